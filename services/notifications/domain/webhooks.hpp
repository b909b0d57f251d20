#pragma once
// Webhook subscriptions and their deliveries, folded from concord.notifications.v1
// (concord.notifications.webhook.*). Pure: who may manage them, which events match, and the
// bounded retry schedule. Secrets are never in events: each is derived from the service's key
// and the subscription id when needed (see webhook_signing.hpp).
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/time.hpp"
#include "views.hpp"

namespace concord::notifications {

inline constexpr const char* kWebhookCreated = "concord.notifications.webhook.created";
inline constexpr const char* kWebhookDeleted = "concord.notifications.webhook.deleted";
inline constexpr const char* kWebhookFailing = "concord.notifications.webhook.failing";
inline constexpr const char* kDeliveryAttempted = "concord.notifications.webhook.delivery_attempted";
inline constexpr const char* kDeadLettered = "concord.notifications.webhook.dead_lettered";

struct Webhook {
  std::string id;
  std::string owner;  // the integrator's subject
  std::string url;
  std::vector<std::string> event_types;  // exact types, or prefixes "concord.scheduling.*"
  std::string status = "active";          // "active" | "failing" | "deleted"
  Timestamp created_at{};
  long long version = 1;
};
nlohmann::json to_json(const Webhook& w);
std::optional<Webhook> webhook_of(const nlohmann::json& j);

// One event to one webhook: every attempt carries the same id (the webhook-id header).
struct Delivery {
  std::string id;  // "msg_<hex>"
  std::string webhook_id;
  std::string event_id;
  std::string event_type;
  std::string payload;  // the CloudEvent exactly as on the topic
  int attempts = 0;
  std::string status = "pending";  // "pending" | "succeeded" | "dead_lettered"
  int last_status_code = 0;        // 0: no HTTP answer
  std::string last_error;
  std::optional<Timestamp> next_attempt_at;
  Timestamp updated_at{};
};
nlohmann::json to_json(const Delivery& d, bool with_payload);
std::optional<Delivery> delivery_of(const nlohmann::json& j);

struct Webhooks {
  std::map<std::string, Webhook> by_id;
  std::map<std::string, Delivery> deliveries;                   // by delivery id
  // Webhook id → ordinal key → delivery id, newest first.
  std::map<std::string, std::map<std::string, std::string>> by_webhook;
  std::set<std::string> pending;                                // deliveries waiting for a retry
};

// Applies concord.notifications.webhook.* events; others are ignored.
void evolve(Webhooks& state, const Incoming& event);

bool type_matches(const std::string& filter, const std::string& type);
bool wants(const Webhook& w, const std::string& type);

// Who is asking to manage webhooks.
struct Integrator {
  std::string subject;
  bool integrator = false;
  bool admin = false;
};
Status may_manage_webhooks(const Integrator& who);
// An integrator sees and deletes only their own; an admin any. Others' are 404.
Result<const Webhook*> visible_webhook(const Webhooks& state, const Integrator& who, const std::string& id);
// Exact "concord.<service>.<aggregate>.<verb>" types or prefixes ending ".*"; errors point at
// /event_types/<i>.
std::vector<FieldError> check_event_types(const std::vector<std::string>& types);

// Attempt n (1-based) failed at `now`: when the next one is due, or nullopt when the schedule
// is spent (dead letter). The schedule's k-th entry is the wait before attempt k+1.
std::optional<Timestamp> next_attempt(int attempts_made, const std::vector<std::chrono::milliseconds>& schedule,
                                      Timestamp now);

// The delivery id for an event and a webhook: stable, so a retry and a redelivery after a crash
// carry the same webhook-id. `digest` is a hex digest of "<webhook id>:<event id>".
std::string delivery_id_of(const std::string& hex_digest);

}  // namespace concord::notifications
