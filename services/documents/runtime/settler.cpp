#include "documents/runtime/settler.hpp"

#include "concord/core/log.hpp"

namespace concord::documents {

std::vector<std::string> Settler::topics() {
  return {std::string(kDelegationsTopic), std::string(kDelegationsPrivateTopic), std::string(kSchedulingTopic)};
}

Settler::Settler(std::shared_ptr<events::EventLog> log, service::Store<State>& store,
                 const service::api::EventFactory& events, std::chrono::milliseconds tick)
    : store_(store),
      events_(events),
      tick_(tick),
      follower_("the delegations and scheduling topics", std::move(log), topics()) {}

void Settler::start() {
  dirty_ = true;  // settle once after recovery
  last_tick_ = std::chrono::steady_clock::now();
  follower_.start(
      store_.replayed(), [this](const events::Record& r) { store_.apply(r.topic, r.event); },
      [this](bool got_records) { after_poll(got_records); });
}

void Settler::stop() {
  follower_.stop();
}

Status Settler::settle() {
  // Each round appends what the state calls for; the next round sees its effect. A few rounds
  // settle everything (a ceremony followed, then a date reached); the bound only guards a bug.
  for (int round = 0; round < 8; ++round) {
    Context ctx{events_.now(), Actor{}, [this] { return events_.new_id(); }};
    std::string correlation = "system:" + events_.new_id();
    service::api::Cause cause{ctx.actor.subject, correlation, correlation};
    bool any = store_.read([&](const State& s) {
      return !follow_ceremonies(s, ctx).empty() || !enter_into_force_when_due(s, ctx).empty();
    });
    if (!any) return {};
    auto written = store_.write([&](const State& s) -> Result<std::vector<service::Append>> {
      auto steps = follow_ceremonies(s, ctx);
      if (steps.empty()) steps = enter_into_force_when_due(s, ctx);
      std::vector<service::Append> appends;
      for (const auto& [id, decided] : steps) {
        auto& append = appends.emplace_back(service::Append{std::string(kTopic), id, {}});
        for (const auto& f : decided)
          append.events.push_back(events_.make(f.type, f.subject, f.sequence, f.data, cause, {f.id, f.time, f.actor}));
      }
      return appends;
    });
    if (!written) return fail(written.error());
  }
  return {};
}

void Settler::after_poll(bool got_records) {
  // Settles when the views changed, when a read found a step owed, and at every tick (dates of
  // entry into force come with time alone); a failed settle is tried again next time.
  auto now = std::chrono::steady_clock::now();
  if (got_records || requested_.exchange(false)) dirty_ = true;
  if (now - last_tick_ >= tick_) {
    dirty_ = true;
    last_tick_ = now;
  }
  if (!dirty_) return;
  if (auto st = settle(); !st)
    log::warn("documents: settling failed; will retry", {{"error", st.error().detail}});
  else
    dirty_ = false;
}

}  // namespace concord::documents
