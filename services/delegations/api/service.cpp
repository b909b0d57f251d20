#include "delegations/api/delegations_service.hpp"

#include "concord/core/log.hpp"
#include "concord/delegations/service.hpp"
#include "concord/service/replica.hpp"
#include "delegations/domain/codec.hpp"
#include "delegations/domain/snapshot.hpp"

namespace concord::delegations {

namespace {

void evolve_record(State& state, const std::string&, const events::Event& e) {
  evolve(state, Recorded{e.id, e.type, e.time, e.actor, e.data});
}

}  // namespace

service::ServiceSpec spec() {
  return {std::string(contract::kService),
          "127.0.0.1:8082",
          "CONCORD_DELEGATIONS_ADDR",
          {{std::string(contract::kTopic)}, {std::string(contract::kPrivateTopic)}},
          make_service,
          {{"delegation", "/v1/delegations/"}, {"member", "/v1/members/"}}};
}

std::unique_ptr<service::Service> make_service(service::ServiceContext& context) {
  return std::make_unique<DelegationsService>(context);
}

Actor actor_of(const http::Request& request) {
  const auth::Principal& p = request.who();
  auto a = service::api::actor_from<Actor>(p);
  a.country = service::api::officer_country(p);
  return a;
}

DelegationsService::DelegationsService(service::ServiceContext& context)
    : context_(context),
      store_(context.log, evolve_record),
      events_(context.name, context.clock, context.ids),
      rosters_(store_, context.cache) {
  store_.use_snapshots(context.name, {kStateVersion, encode_state, decode_state}, context.snapshots);
  // A standby follows its own topics into the store (the replica set of DESIGN §7).
  if (context.replica) context.replica->track(store_);
}

Status DelegationsService::recover() {
  // The private topic first: its events wait (pending) for the public events they belong to.
  if (auto replayed = store_.replay({std::string(kPrivateTopic), std::string(kPublicTopic)}); !replayed)
    return replayed;
  auto ids = store_.read([](const State& s) {
    std::vector<std::string> out;
    for (const auto& [id, d] : s.delegations) out.push_back(id);
    return out;
  });
  for (const auto& id : ids) {
    if (!context_.cache.healthy()) break;
    rosters_.publish(id);
  }
  log::info("delegations rebuilt", {{"delegations", ids.size()}});
  return {};
}

std::vector<service::Append> DelegationsService::appends_of(const Decision& d, const service::api::Cause& cause) const {
  service::Append priv{std::string(kPrivateTopic), d.key, {}};
  service::Append pub{std::string(kPublicTopic), d.key, {}};
  for (const auto& e : d.events) {
    (e.is_private ? priv : pub).events.push_back(events_.make(e.type, e.subject, e.sequence, e.data, cause, {e.id}));
  }
  std::vector<service::Append> out;
  // Private first: alone it is an orphan that evolve ignores; the public event makes it count.
  if (!priv.events.empty()) out.push_back(std::move(priv));
  if (!pub.events.empty()) out.push_back(std::move(pub));
  return out;
}

template <class Command>
Result<Decision> DelegationsService::commit(http::Request& request, const Command& command, VersionOf version_of) {
  Actor actor = actor_of(request);
  auto cause = service::api::cause_of(request);
  Decision decision;
  auto written = store_.write([&](const State& state) -> Result<std::vector<service::Append>> {
    Context ctx{events_.now(), actor, context_.ids};
    auto decided = decide(state, command, ctx);
    if (!decided) return fail(decided.error());
    if (version_of) {
      if (auto version = version_of(state))
        if (auto ok = service::api::check_if_match(request, *version, false); !ok) return fail(ok.error());
    }
    decision = std::move(*decided);
    return appends_of(decision, cause);
  });
  if (!written) return fail(written.error());
  if (!decision.events.empty()) rosters_.request(decision.key);
  return decision;
}

// The commands handlers write (routes.cpp).
template Result<Decision> DelegationsService::commit(http::Request&, const RegisterDelegation&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const UpdateDelegation&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const AddMember&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const UpdateMember&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const WithdrawMember&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const AccreditationAction&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const SetTravel&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const LinkIdentity&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const UnlinkIdentity&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const CreateInvitation&, VersionOf);
template Result<Decision> DelegationsService::commit(http::Request&, const RedeemInvitation&, VersionOf);

Status DelegationsService::resolve(http::Request& request, bool redeeming) {
  return store_.read([&](const State& s) {
    return service::api::resolve_caller(
        request, s.identities,
        [&](const std::string& member_id) -> std::optional<std::string> {
          const Member* m = s.member(member_id);
          if (!m) return std::nullopt;
          return m->delegation_id;
        },
        redeeming);
  });
}

}  // namespace concord::delegations
