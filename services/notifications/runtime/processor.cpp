#include "notifications/runtime/processor.hpp"

#include "concord/core/log.hpp"
#include "notifications/domain/digest.hpp"
#include "notifications/runtime/live.hpp"

namespace concord::notifications {

events::Event created_event(const Shared& shared, const Notification& n, const events::Event* cause) {
  service::api::Cause c{"system", cause ? cause->correlationid : std::string{}, cause ? cause->id : n.cause_event_id};
  return shared.events.make(kCreated, "notification/" + n.id, 1, {{"notification", to_json(n)}}, c);
}

events::Event queued_event(const Shared& shared, const Email& e, const events::Event* cause) {
  service::api::Cause c{"system", cause ? cause->correlationid : std::string{}, cause ? cause->id : e.id};
  return shared.events.make(kEmailQueued, "email/" + e.id, 1, {{"message", to_json(e)}}, c);
}

std::vector<Notification> route_event(const Shared& shared, const State& state, const events::Event& event) {
  RouteContext ctx{shared.clock.now(), shared.ids, shared.messages, state.inbox.preferences};
  return route(incoming_of(event), state.views, ctx);
}

std::vector<Notification> route_provisionally(const Shared& shared, const events::Event& event) {
  auto max_age = shared.settings.provisional_max_age;
  if (max_age.count() <= 0 || event.time + max_age < shared.clock.now()) return {};
  return shared.store.read([&](const State& state) { return route_event(shared, state, event); });
}

void show_provisionally(Shared& shared, std::vector<Notification> routed) {
  if (routed.empty()) return;
  Timestamp now = shared.clock.now();
  shared.store.read([&](const State& state) {
    shared.with_provisional([&](ProvisionalInbox& p) { p.add(std::move(routed), state.inbox, now); });
  });
}

void forget_provisional(Shared& shared, const std::vector<Notification>& recorded) {
  if (recorded.empty()) return;
  shared.with_provisional([&](ProvisionalInbox& p) {
    for (const auto& n : recorded) p.forget(n.id);
  });
}

void forget_provisional(Shared& shared, const events::Event& own_event) {
  if (own_event.type != kCreated || !own_event.data.is_object()) return;
  auto n = own_event.data.find("notification");
  if (n == own_event.data.end() || !n->is_object()) return;
  auto id = n->find("id");
  if (id == n->end() || !id->is_string()) return;
  shared.with_provisional([&](ProvisionalInbox& p) { p.forget(id->get<std::string>()); });
}

namespace {

// The e-mail a notification becomes, when the channel is on and the member wants it.
std::optional<Email> email_of_notification(const Shared& shared, const State& state, const Notification& n) {
  if (!shared.settings.email.enabled) return std::nullopt;
  return email_for(n, state.views, state.inbox.preferences, shared.messages, shared.settings.email.domain);
}

}  // namespace

Processor::Processor(Shared& shared) : shared_(shared) {}

Status Processor::open() {
  if (subscription_) return {};
  std::vector<std::string> topics = kConsumedTopics;
  topics.push_back(kPrivateTopic);  // e-mail addresses
  auto sub = shared_.log->subscribe(topics, kGroup);
  if (!sub) return fail(sub.error());
  subscription_ = std::move(*sub);
  return {};
}

Processor::~Processor() {
  stop();
}

void Processor::start() {
  thread_ = std::thread([this] { run(); });
}

void Processor::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

Result<size_t> Processor::step(std::chrono::milliseconds wait) {
  if (auto opened = open(); !opened) return fail(opened.error());
  auto batch = subscription_->poll(wait, shared_.settings.batch);
  if (!batch) return fail(batch.error());
  if (batch->empty()) return 0;

  std::vector<Notification> created;
  std::vector<events::Output> outputs;
  // Route each record against the views as they were before it, then fold it in (through the
  // store, as every event is). Folding is idempotent (snapshots by version), so a batch polled
  // again after a failed commit, or an event the follower has already folded, is harmless.
  // Topics are ordered per key, not across topics: a member added just before a meeting may
  // come after it in the batch. The directory goes first, so the meeting is rendered in the
  // member's language. (Accreditation is routed on the snapshot its own event carries.)
  for (const auto& record : *batch)
    if (record.topic == delegations::contract::kTopic) shared_.store.apply(record.topic, record.event);
  for (const auto& record : *batch) {
    if (record.topic == kPrivateTopic) {  // addresses only: nothing to tell anyone
      shared_.store.apply(record.topic, record.event);
      continue;
    }
    auto routed = shared_.store.read([&](const State& state) { return route_event(shared_, state, record.event); });
    shared_.store.apply(record.topic, record.event);
    if (routed.empty()) continue;
    // E-mails are decided on the views after the event: an invitation carries the meeting's
    // new time and version (its SEQUENCE).
    shared_.store.read([&](const State& state) {
      for (auto& n : routed) {
        outputs.push_back({kTopic, n.member_id, created_event(shared_, n, &record.event)});
        if (auto e = email_of_notification(shared_, state, n))
          outputs.push_back({kTopic, n.member_id, queued_event(shared_, *e, &record.event)});
        created.push_back(std::move(n));
      }
    });
  }
  if (auto s = commit_own(shared_, *subscription_, outputs, *batch); !s) return fail(s.error());
  forget_provisional(shared_, created);
  if (shared_.live) shared_.live->deliver(created);
  return batch->size();
}

// Reminders and digests are work the replicas share by key, as they share the consumed topics'
// partitions: a meeting's reminders are fired by the member of the group that owns the meeting's
// partition of concord.scheduling.v1 (its key is the visit), a member's digest by the owner of
// the member's delegation's partition of concord.delegations.v1. Owned means assigned and
// settled (Subscription::owns): the previous owner's last step is committed or aborted before
// the new owner looks. What was fired is known from our own topic (every replica follows it),
// and the append goes through the group's step (commit_with with nothing consumed), which the
// group generation fences: a replica that lost the partition without knowing it (a zombie)
// cannot fire it too.
bool Processor::owns_meeting(const Views& views, const std::string& meeting_id) {
  auto m = views.meetings.find(meeting_id);
  if (m == views.meetings.end()) return false;
  return subscription_->owns(scheduling::contract::kTopic, m->second.visit_id);
}

bool Processor::owns_member(const Views& views, const std::string& member_id) {
  auto m = views.members.find(member_id);
  std::string key = m != views.members.end() && !m->second.delegation_id.empty() ? m->second.delegation_id : member_id;
  return subscription_->owns(delegations::contract::kTopic, key);
}

Result<size_t> Processor::fire_reminders() {
  if (auto opened = open(); !opened) return fail(opened.error());
  std::vector<events::Output> outputs;
  std::vector<Notification> created;
  shared_.store.read([&](const State& state) {
    Timestamp now = shared_.clock.now();
    auto due = due_reminders(state.views, shared_.settings.reminder_offsets, state.inbox.fired_reminders, now);
    if (due.empty()) return;
    RouteContext ctx{now, shared_.ids, shared_.messages, state.inbox.preferences};
    for (const auto& r : due) {
      if (!owns_meeting(state.views, r.meeting_id)) continue;
      auto n = render_reminder(r, state.views, ctx);
      outputs.push_back({kTopic, n.member_id, created_event(shared_, n, nullptr)});
      if (auto e = email_of_notification(shared_, state, n))
        outputs.push_back({kTopic, n.member_id, queued_event(shared_, *e, nullptr)});
      created.push_back(std::move(n));
    }
  });
  if (outputs.empty()) return 0;
  // One atomic step, and what was appended is in every replica's inbox (fired_reminders), so a
  // reminder is never fired twice.
  if (auto s = commit_own(shared_, *subscription_, outputs, {}); !s) return fail(s.error());
  if (shared_.live) shared_.live->deliver(created);
  return outputs.size();
}

Result<size_t> Processor::queue_digests() {
  if (!shared_.settings.email.enabled) return 0;
  if (auto opened = open(); !opened) return fail(opened.error());
  std::vector<std::pair<std::string, events::Event>> queued;
  shared_.store.read([&](const State& state) {
    Timestamp now = shared_.clock.now();
    const auto& preferences = state.inbox.preferences;
    RouteContext ctx{now, shared_.ids, shared_.messages, preferences};
    for (const auto& [member, held] : state.emails.held) {
      if (held.empty() || !owns_member(state.views, member)) continue;
      std::optional<int> minute;
      if (auto p = preferences.find(member); p != preferences.end()) minute = p->second.digest_minute;
      Audience a = audience_of(member, state.views, ctx, "UTC");
      auto due = digest_due(state.emails, member, minute, a.time_zone, now);
      if (!due) continue;
      auto e = digest_email(*due, state.emails, a.language, a.time_zone, shared_.messages,
                            shared_.settings.email.domain, now);
      queued.emplace_back(member, queued_event(shared_, e, nullptr));
    }
  });
  size_t count = 0;
  for (const auto& [member, event] : queued) {
    // Appended, then folded: the digest's id is taken, so the next round does not queue it again.
    if (auto s = commit_own(shared_, *subscription_, {{kTopic, member, event}}, {}); !s) return fail(s.error());
    ++count;
  }
  return count;
}

Result<size_t> Processor::iterate(std::chrono::milliseconds wait, bool timers) {
  auto done = step(wait);
  if (!done) return done;
  size_t handled = *done;
  if (timers) {
    if (auto fired = fire_reminders(); !fired) {
      log::warn("firing reminders failed; they stay due", {{"error", fired.error().detail}});
    } else if (*fired > 0) {
      log::info("reminders fired", {{"count", *fired}});
      handled += *fired;
    }
    if (auto digests = queue_digests(); !digests) {
      log::warn("queueing e-mail digests failed; they stay due", {{"error", digests.error().detail}});
    } else if (*digests > 0) {
      log::info("e-mail digests queued", {{"count", *digests}});
      handled += *digests;
    }
  }
  if (shared_.live) {
    shared_.live->release_held(shared_.clock.now());
    shared_.live->expire(shared_.clock.now());
  }
  return handled;
}

void Processor::run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    if (auto opened = open(); !opened) {
      log::error("cannot subscribe to the consumed topics; retrying", {{"error", opened.error().detail}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    bool timers = now - last_reminders_ >= shared_.settings.reminder_interval;
    auto done = iterate(shared_.settings.poll_wait, timers);
    if (!done) {
      auto failure = events::failure_of(done.error());
      log::warn("notification step failed; the batch will be polled again", {{"error", done.error().detail}});
      if (failure == events::LogFailure::fenced) {
        // With the EventLog's producer (one instance): another writer took over. A replica with
        // a producer of its own gets a new one instead (the subscription reports `unavailable`).
        log::error("another notifications writer took over; this one stops processing");
        return;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
    if (timers) last_reminders_ = now;
  }
}

}  // namespace concord::notifications
