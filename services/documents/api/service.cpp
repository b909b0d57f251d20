// Wiring of the documents service: the store and its replay, and the settler of runtime/
// (following delegations and scheduling, entering documents into force when their date comes).
#include "documents/api/documents_service.hpp"

#include "concord/core/log.hpp"
#include "concord/documents/service.hpp"
#include "concord/service/replica.hpp"
#include "documents/domain/snapshot.hpp"

namespace concord::documents {

namespace {

void apply_record(State& state, const std::string& topic, const events::Event& e) {
  if (topic == kTopic)
    evolve(state, Recorded{e.id, e.type, e.subject, e.sequence, e.time, e.actor, e.data});
  else if (topic == kDelegationsTopic)
    apply_delegations_event(state, e.type, e.data);
  else if (topic == kSchedulingTopic)
    apply_scheduling_event(state, e.type, e.data);
  else if (topic == kDelegationsPrivateTopic)
    delegations::contract::apply_identity(state.identities, e.type,
                                          e.data);  // contact and travel events are not ours to keep
}

}  // namespace

DocumentsService::DocumentsService(service::ServiceContext& context, std::chrono::milliseconds tick)
    : context_(context),
      store_(context.log, apply_record),
      events_(context.name, context.clock, context.ids),
      settler_(context.log, store_, events_, tick) {
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
  auto topics = Settler::topics();
  topics.emplace_back(kTopic);
  return store_.replay(topics);
}

void DocumentsService::start() {
  settler_.start();
}

void DocumentsService::stop() {
  settler_.stop();
}

std::vector<service::Append> DocumentsService::appends_of(const std::string& id, const Decision& decided,
                                                          const service::api::Cause& cause) const {
  service::Append append{std::string(kTopic), id, {}};
  for (const auto& f : decided)
    append.events.push_back(events_.make(f.type, f.subject, f.sequence, f.data, cause, {f.id, f.time, f.actor}));
  return {std::move(append)};
}

service::ServiceSpec spec() {
  return {std::string(contract::kService),   "127.0.0.1:8083", "CONCORD_DOCUMENTS_ADDR",
          {{std::string(contract::kTopic)}}, make_service,     {{"document", "/v1/documents/"}}};
}

std::unique_ptr<service::Service> make_service(service::ServiceContext& context) {
  auto tick = context.env.duration("CONCORD_DOCUMENTS_TICK", std::chrono::seconds(60));
  return std::make_unique<DocumentsService>(context, tick);
}

}  // namespace concord::documents
