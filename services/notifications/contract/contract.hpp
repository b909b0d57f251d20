#pragma once
// The notifications service's public contract: the topics it writes and its event types
// (docs/event-contract.md describes the events). Pure: no I/O.
#include <string_view>

namespace concord::notifications::contract {

inline constexpr std::string_view kService = "notifications";

// Notifications, preferences, webhooks and e-mail.
inline constexpr std::string_view kTopic = "concord.notifications.v1";
// Webhook deliveries and e-mails given up on.
inline constexpr std::string_view kDeadLetterTopic = "concord.webhooks.dlq.v1";

inline constexpr std::string_view kPrefix = "concord.notifications.";

inline constexpr std::string_view kNotificationCreated = "concord.notifications.notification.created";
inline constexpr std::string_view kNotificationRead = "concord.notifications.notification.read";
inline constexpr std::string_view kPreferencesSet = "concord.notifications.preferences.set";
// The cause a reminder's notification names (no event of that type is ever appended).
inline constexpr std::string_view kReminderDue = "concord.notifications.reminder.due";

inline constexpr std::string_view kWebhookPrefix = "concord.notifications.webhook.";
inline constexpr std::string_view kWebhookCreated = "concord.notifications.webhook.created";
inline constexpr std::string_view kWebhookDeleted = "concord.notifications.webhook.deleted";
inline constexpr std::string_view kWebhookFailing = "concord.notifications.webhook.failing";
inline constexpr std::string_view kWebhookUpdated = "concord.notifications.webhook.updated";
inline constexpr std::string_view kWebhookSecretRotated = "concord.notifications.webhook.secret_rotated";
inline constexpr std::string_view kDeliveryReplayed = "concord.notifications.webhook.delivery_replayed";
inline constexpr std::string_view kDeliveryAttempted = "concord.notifications.webhook.delivery_attempted";
inline constexpr std::string_view kDeadLettered = "concord.notifications.webhook.dead_lettered";

inline constexpr std::string_view kEmailPrefix = "concord.notifications.email.";
inline constexpr std::string_view kEmailQueued = "concord.notifications.email.queued";
inline constexpr std::string_view kEmailAttemptFailed = "concord.notifications.email.attempt_failed";
inline constexpr std::string_view kEmailSent = "concord.notifications.email.sent";
inline constexpr std::string_view kEmailDeadLettered = "concord.notifications.email.dead_lettered";
inline constexpr std::string_view kEmailAddressFailing = "concord.notifications.email.address_failing";

}  // namespace concord::notifications::contract
