// Wiring of the documents service: the store and its replay, the background loop following
// delegations and scheduling, and the timer for entry into force.
#include "documents/api/documents_service.hpp"

#include "concord/core/log.hpp"
#include "concord/documents/service.hpp"
#include "concord/service/replica.hpp"
#include "documents/domain/snapshot.hpp"

namespace concord::documents {

namespace {

void apply_record(State& state, const std::string& topic, const events::Event& e) {
  if (topic == kTopic)
    evolve(state, to_fact(e));
  else if (topic == kDelegationsTopic)
    apply_delegations_event(state, e.type, e.data);
  else if (topic == kSchedulingTopic)
    apply_scheduling_event(state, e.type, e.data);
  else if (topic == kDelegationsPrivateTopic)
    delegations::contract::apply_identity(state.identities, e.type,
                                          e.data);  // contact and travel events are not ours to keep
}

}  // namespace

Fact to_fact(const events::Event& e) {
  return Fact{e.id, e.type, e.subject, e.sequence, e.time, e.actor, e.data};
}

DocumentsService::DocumentsService(service::ServiceContext& context, std::chrono::milliseconds tick)
    : context_(context),
      store_(context.log, apply_record),
      events_(context.name, context.clock, context.ids),
      tick_(tick),
      views_("the delegations and scheduling topics", context.log,
             {std::string(kDelegationsTopic), std::string(kDelegationsPrivateTopic), std::string(kSchedulingTopic)}) {
  store_.use_snapshots(context.name, {kStateVersion, encode_state, decode_state}, context.snapshots);
  // A standby follows its own topic into the store (the replica set of DESIGN §7).
  if (context.replica) context.replica->track(store_);
}

DocumentsService::~DocumentsService() {
  stop();
}

Status DocumentsService::recover() {
  // The views first, then the documents (evolve of a document does not depend on the views,
  // but the settling step after recovery does).
  return store_.replay({std::string(kDelegationsTopic), std::string(kDelegationsPrivateTopic),
                        std::string(kSchedulingTopic), std::string(kTopic)});
}

void DocumentsService::start() {
  dirty_ = true;  // settle once after recovery
  last_tick_ = std::chrono::steady_clock::now();
  views_.start(
      store_.replayed(), [this](const events::Record& r) { store_.apply(r.topic, r.event); },
      [this](bool got_records) { after_poll(got_records); });
}

void DocumentsService::stop() {
  views_.stop();
}

std::vector<service::Append> DocumentsService::appends_of(const std::string& id, const std::vector<Fact>& facts,
                                                          const service::api::Cause& cause) const {
  service::Append append{std::string(kTopic), id, {}};
  for (const auto& f : facts)
    append.events.push_back(events_.make(f.type, f.subject, f.sequence, f.data, cause, {f.id, f.time, f.actor}));
  return {std::move(append)};
}

Status DocumentsService::settle() {
  // Each round appends what the state calls for; the next round sees its effect. A few rounds
  // settle everything (a ceremony followed, then a date reached); the bound only guards a bug.
  for (int round = 0; round < 8; ++round) {
    Context ctx{context_.clock.now(), Actor{}, [this] { return context_.ids.next(); }};
    std::string correlation = "system:" + context_.ids.next();
    service::api::Cause cause{ctx.actor.subject, correlation, correlation};
    bool any = store_.read([&](const State& s) {
      return !follow_ceremonies(s, ctx).empty() || !enter_into_force_when_due(s, ctx).empty();
    });
    if (!any) return {};
    auto written = store_.write([&](const State& s) -> Result<std::vector<service::Append>> {
      auto steps = follow_ceremonies(s, ctx);
      if (steps.empty()) steps = enter_into_force_when_due(s, ctx);
      std::vector<service::Append> appends;
      for (const auto& [id, facts] : steps) {
        auto one = appends_of(id, facts, cause);
        appends.insert(appends.end(), one.begin(), one.end());
      }
      return appends;
    });
    if (!written) return fail(written.error());
  }
  return {};
}

void DocumentsService::after_poll(bool got_records) {
  // Settles when the views changed, when a read found a step owed, and at every tick (dates of
  // entry into force come with time alone); a failed settle is tried again next time.
  auto now = std::chrono::steady_clock::now();
  if (got_records || settle_requested_.exchange(false)) dirty_ = true;
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

service::ServiceSpec spec() {
  return {std::string(contract::kService),
          "127.0.0.1:8083",
          "CONCORD_DOCUMENTS_ADDR",
          {{std::string(contract::kTopic)}},
          make_service};
}

std::unique_ptr<service::Service> make_service(service::ServiceContext& context) {
  auto tick = context.env.duration("CONCORD_DOCUMENTS_TICK", std::chrono::seconds(60));
  return std::make_unique<DocumentsService>(context, tick);
}

}  // namespace concord::documents
