#pragma once
// What the processor, the live fan-out and the HTTP handlers share: the folded state behind one
// lock, the catalogues, and the adapters. Internal to the service.
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "concord/cache/cache.hpp"
#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event_log.hpp"
#include "concord/service/api.hpp"
#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/email.hpp"
#include "notifications/domain/inbox.hpp"
#include "notifications/domain/route.hpp"
#include "notifications/domain/state.hpp"
#include "notifications/domain/views.hpp"
#include "notifications/domain/webhooks.hpp"

namespace concord::notifications {

class Live;

inline constexpr const char* kGroup = "concord-notifications";
inline constexpr const char* kWebhookGroup = "concord-notifications-webhooks";
inline constexpr const char* kMailerGroup = "concord-notifications-mailer";
// The other services' public topics, by their contracts.
inline const std::vector<std::string> kConsumedTopics = {std::string(delegations::contract::kTopic),
                                                         std::string(scheduling::contract::kTopic),
                                                         std::string(documents::contract::kTopic)};

struct Settings {
  std::vector<std::chrono::minutes> reminder_offsets{std::chrono::hours(24), std::chrono::hours(1)};
  std::chrono::milliseconds poll_wait{100};
  size_t batch = 1000;
  std::chrono::milliseconds reminder_interval{1000};
  // Webhooks
  std::vector<std::chrono::milliseconds> retry_schedule{std::chrono::seconds(5), std::chrono::seconds(30),
                                                        std::chrono::minutes(2), std::chrono::minutes(10),
                                                        std::chrono::hours(1)};
  bool allow_private_targets = false;
  std::string webhook_ca_file;  // CAs trusted for https:// receivers beside the system's
  std::string webhook_key;      // derives each subscription's secret
  std::chrono::milliseconds delivery_timeout{5000};
  // E-mail (off unless CONCORD_SMTP_URL is set)
  struct Email {
    bool enabled = false;
    std::string url;  // smtp://host:587 (STARTTLS required) or smtps://host:465
    std::string user;
    std::string password;
    std::string from;     // the sender's address
    std::string domain;   // of Message-IDs: the sender's domain
    std::string ca_file;  // CAs trusted for the server beside the system's
    std::vector<std::chrono::milliseconds> retry_schedule{std::chrono::seconds(30), std::chrono::minutes(2),
                                                          std::chrono::minutes(10), std::chrono::minutes(30),
                                                          std::chrono::hours(2),    std::chrono::hours(6)};
    std::chrono::milliseconds timeout{30000};
  } email;
};

struct Shared {
  Shared(std::shared_ptr<events::EventLog> log_, cache::Cache& cache_, const Clock& clock_, IdGenerator& ids_,
         Catalogues messages_, Settings settings_)
      : log(std::move(log_)),
        cache(cache_),
        clock(clock_),
        ids(ids_),
        messages(std::move(messages_)),
        settings(std::move(settings_)),
        events("notifications", clock_, ids_) {}

  std::shared_ptr<events::EventLog> log;
  cache::Cache& cache;
  const Clock& clock;
  IdGenerator& ids;
  const Catalogues messages;
  const Settings settings;
  service::api::EventFactory events;

  mutable std::shared_mutex mutex;
  State state;
  Live* live = nullptr;  // set by the service once the fan-out exists

  // Every replica follows our own topic to apply what the others append; what this replica
  // appends it applies itself once committed. The ids of its own events are marked before the
  // append, so that the follower, meeting them on the topic (before or after this replica applied
  // them), skips them: each event is applied once. A mark is dropped when the follower meets it,
  // or when the append fails. (An append whose outcome was unknown but that did commit is then
  // applied by the follower, as another replica's would be.)
  void mark_own(const std::vector<events::Event>& appended) {
    std::lock_guard lock(own_mutex);
    for (const auto& e : appended) own_ids.insert(e.id);
  }
  void unmark_own(const std::vector<events::Event>& appended) {
    std::lock_guard lock(own_mutex);
    for (const auto& e : appended) own_ids.erase(e.id);
  }
  // Whether `id` is one of this replica's own events (and forgets it: it is met once).
  bool take_own(const std::string& id) {
    std::lock_guard lock(own_mutex);
    return own_ids.erase(id) > 0;
  }

 private:
  std::mutex own_mutex;
  std::unordered_set<std::string> own_ids;
};

// log->append of our own events, marked as this replica's (see Shared::mark_own).
inline Status append_own(Shared& shared, std::string_view topic, std::string_view key,
                         const std::vector<events::Event>& appended) {
  if (topic != kTopic) return shared.log->append(topic, key, appended);
  shared.mark_own(appended);
  auto s = shared.log->append(topic, key, appended);
  if (!s) shared.unmark_own(appended);
  return s;
}

// subscription.commit_with, with the outputs on our own topic marked as this replica's.
inline Status commit_own(Shared& shared, events::Subscription& subscription, const std::vector<events::Output>& outputs,
                         const std::vector<events::Record>& consumed) {
  std::vector<events::Event> own;
  for (const auto& o : outputs)
    if (o.topic == kTopic) own.push_back(o.event);
  shared.mark_own(own);
  auto s = subscription.commit_with(outputs, consumed);
  if (!s) shared.unmark_own(own);
  return s;
}

inline Incoming incoming_of(const events::Event& e) {
  return Incoming{e.id, e.type, e.time, e.data};
}

// The notification.created event for `n`, caused by `cause` (a consumed event), or by nothing
// when a reminder fires.
events::Event created_event(const Shared& shared, const Notification& n, const events::Event* cause);
// The email.queued event for `e` (same cause as its notification's).
events::Event queued_event(const Shared& shared, const Email& e, const events::Event* cause);

}  // namespace concord::notifications
