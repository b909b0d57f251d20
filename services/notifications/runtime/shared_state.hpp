#pragma once
// What the processor, the live fan-out and the HTTP handlers share: the folded state (a
// service::Store), the catalogues, and the adapters. Internal to the service.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "concord/cache/cache.hpp"
#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event_log.hpp"
#include "concord/service/api.hpp"
#include "concord/service/store.hpp"
#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/email.hpp"
#include "notifications/domain/inbox.hpp"
#include "notifications/domain/provisional.hpp"
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
  // How long a notification this replica routed itself is shown before the owner of its event's
  // partition records it (provisional.hpp); 0: never shown before it is recorded. Events older
  // than this when the follower meets them (a replica catching up) are not routed here.
  std::chrono::milliseconds provisional_max_age{60000};
  // How long marking a provisional notification read waits for its record before a 503.
  std::chrono::milliseconds read_mark_wait{5000};
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

inline Incoming incoming_of(const events::Event& e) {
  return Incoming{e.id, e.type, e.time, e.data};
}

struct Shared {
  Shared(std::shared_ptr<events::EventLog> log_, cache::Cache& cache_, const Clock& clock_, IdGenerator& ids_,
         Catalogues messages_, Settings settings_)
      : log(std::move(log_)),
        cache(cache_),
        clock(clock_),
        ids(ids_),
        messages(std::move(messages_)),
        settings(std::move(settings_)),
        events("notifications", clock_, ids_),
        store(log,
              [](State& s, const std::string& topic, const events::Event& e) { evolve(s, topic, incoming_of(e)); }),
        provisional_(settings.provisional_max_age) {}

  std::shared_ptr<events::EventLog> log;
  cache::Cache& cache;
  const Clock& clock;
  IdGenerator& ids;
  const Catalogues messages;
  const Settings settings;
  service::api::EventFactory events;

  // The state, as every service keeps it (libs/service store.hpp): readers see the committed
  // state and never wait for an append; the handlers write through it (write_own); what the
  // consumer groups commit in their own transactions is applied to it (commit_own, commit_decided).
  service::Store<State> store;
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

  // The notifications this replica routed itself and no record has replaced yet
  // (provisional.hpp). f(ProvisionalInbox&) under their lock; a reader of the store's state
  // takes it inside store.read, never the other way round.
  template <class F>
  auto with_provisional(F&& f) {
    std::lock_guard lock(provisional_mutex_);
    return f(provisional_);
  }

 private:
  std::mutex own_mutex;
  std::unordered_set<std::string> own_ids;
  std::mutex provisional_mutex_;
  ProvisionalInbox provisional_;
};

// What `event` (of a consumed topic) causes, routed on `state` as of the clock's now.
std::vector<Notification> route_event(const Shared& shared, const State& state, const events::Event& event);

// The follower's part for an event of a consumed topic that another replica's processor may own
// (provisional.hpp): what it causes, routed on the state before it is folded (nothing when
// provisional notifications are off, or the event is older than they may be), then shown in the
// inboxes until its record comes, once the event is folded: an inbox that shows what an event
// caused never goes with views from before it (a cancelled meeting's reminders).
std::vector<Notification> route_provisionally(const Shared& shared, const events::Event& event);
void show_provisionally(Shared& shared, std::vector<Notification> routed);
// Recorded notifications: their provisional copies are dropped.
void forget_provisional(Shared& shared, const std::vector<Notification>& recorded);
void forget_provisional(Shared& shared, const events::Event& own_event);

// The handlers' one write path, as in every service: decide(const State&) →
// Result<std::vector<service::Append>> checks If-Match, decides and makes the envelopes (from
// shared.events) against the store's draft; the store appends them (grouped with other
// requests' in one transaction) and applies them to the committed state before this returns.
// The events on our own topic are marked as this replica's while they may be appended. decide
// may run more than once (service::Store::write): each run's marks replace the last's.
template <class Decide>
Result<std::vector<service::Append>> write_own(Shared& shared, Decide&& decide) {
  std::vector<events::Event> marked;
  auto written = shared.store.write([&](const State& state) -> Result<std::vector<service::Append>> {
    shared.unmark_own(marked);
    marked.clear();
    Result<std::vector<service::Append>> decided = decide(state);
    if (!decided) return decided;
    for (const auto& append : *decided)
      if (append.topic == kTopic) marked.insert(marked.end(), append.events.begin(), append.events.end());
    shared.mark_own(marked);
    return decided;
  });
  if (!written) shared.unmark_own(marked);
  return written;
}

// subscription.commit_with, with the outputs on our own topic marked as this replica's.
inline Status commit_marked(Shared& shared, events::Subscription& subscription,
                            const std::vector<events::Output>& outputs, const std::vector<events::Record>& consumed) {
  std::vector<events::Event> own;
  for (const auto& o : outputs)
    if (o.topic == kTopic) own.push_back(o.event);
  shared.mark_own(own);
  auto s = subscription.commit_with(outputs, consumed);
  if (!s) shared.unmark_own(own);
  return s;
}

// A consumer group's step: its outputs and the consumed positions in the group's own transaction
// (KIP-447: the writer's producer cannot carry another group's offsets, and every replica runs
// the groups, not only the writer), then, once committed, its outputs applied to the store's
// committed state like any other append. For outputs no handler decides against (notifications,
// e-mail records): applied without holding the writers off.
inline Status commit_own(Shared& shared, events::Subscription& subscription, const std::vector<events::Output>& outputs,
                         const std::vector<events::Record>& consumed) {
  if (auto s = commit_marked(shared, subscription, outputs, consumed); !s) return s;
  for (const auto& o : outputs) shared.store.apply(o.topic, o.event);
  return {};
}

// The same for outputs decided against state a handler also writes (a webhook's version, when
// a delivery marks it failing): decide(const State&) → Result<std::vector<events::Output>> runs
// against the committed state with the handlers' writes held off until the step has committed
// and been applied (service::Store::write_with), so two events never carry one version.
template <class Decide>
Result<std::vector<events::Output>> commit_decided(Shared& shared, events::Subscription& subscription, Decide&& decide,
                                                   const std::vector<events::Record>& consumed) {
  std::vector<events::Output> outputs;
  auto written = shared.store.write_with(
      [&](const State& state) -> Result<std::vector<service::Append>> {
        auto decided = decide(state);
        if (!decided) return fail(decided.error());
        outputs = std::move(*decided);
        std::vector<service::Append> appends;
        for (const auto& o : outputs) appends.push_back({o.topic, o.key, {o.event}});
        return appends;
      },
      [&](const std::vector<service::Append>&) { return commit_marked(shared, subscription, outputs, consumed); });
  if (!written) return fail(written.error());
  return outputs;
}

// The notification.created event for `n`, caused by `cause` (a consumed event), or by nothing
// when a reminder fires.
events::Event created_event(const Shared& shared, const Notification& n, const events::Event* cause);
// The email.queued event for `e` (same cause as its notification's).
events::Event queued_event(const Shared& shared, const Email& e, const events::Event* cause);

}  // namespace concord::notifications
