#include <algorithm>

#include "delegations/domain/codec.hpp"
#include "delegations/domain/decide.hpp"

namespace concord::delegations {

using nlohmann::json;

namespace {

// The delegation a delegation member belongs to, from the state (not the token's claim).
std::optional<std::string> own_delegation(const State& s, const Actor& a) {
  if (!a.member_id) return std::nullopt;
  const Member* m = s.member(*a.member_id);
  if (!m) return std::nullopt;
  return m->delegation_id;
}

bool is_self(const Actor& a, const std::string& member_id) {
  return a.member_id && *a.member_id == member_id;
}

json full_view(const State& s, const Member& m) {
  json view = member_view(m, s.contact_of(m.id), s.travel_of(m.id), true);
  // Personal too: the identity the member signs in with, null until one is linked.
  view["identity"] = identity_view(s, m.id);
  return view;
}

}  // namespace

bool acts_for(const State& state, const Actor& actor, const std::string& delegation_id) {
  if (actor.officer) return true;
  if (!actor.country) return false;
  const Delegation* d = state.delegation(delegation_id);
  return d && d->country == *actor.country;
}

Result<json> read_delegation(const State& state, const Actor&, const std::string& id) {
  // Delegations are public data (they are on the public topic): every authenticated caller reads them.
  const Delegation* d = state.delegation(id);
  if (!d) return fail(Error::not_found("no delegation " + id));
  return delegation_snapshot(*d);
}

Status may_read_roster(const State& state, const Actor& actor, const std::string& delegation_id) {
  if (!state.delegation(delegation_id)) return fail(Error::not_found("no delegation " + delegation_id));
  if (!actor.officer && !actor.integrator && !actor.country) {
    auto own = own_delegation(state, actor);
    if (!own || *own != delegation_id)
      return fail(Error::forbidden("a delegation member reads only their own delegation's roster"));
  }
  return {};
}

namespace {

bool sees_personal_data(const State& state, const Actor& actor, const Member& m) {
  return acts_for(state, actor, m.delegation_id) || is_self(actor, m.id);
}

json entry_view(const State& state, const Member& m, bool personal) {
  return personal ? full_view(state, m) : member_view(m, nullptr, nullptr, false);
}

}  // namespace

json roster_entry(const State& state, const Actor& actor, const Member& m) {
  return entry_view(state, m, sees_personal_data(state, actor, m));
}

const std::string& roster_entry_bytes(const State& state, const Actor& actor, const Member& m) {
  bool personal = sees_personal_data(state, actor, m);
  return m.rendered.get(personal ? kMemberPersonal : kMemberPublic, [&] { return entry_view(state, m, personal); });
}

Result<std::vector<json>> read_roster(const State& state, const Actor& actor, const std::string& delegation_id,
                                      bool include_withdrawn) {
  if (auto ok = may_read_roster(state, actor, delegation_id); !ok) return fail(ok.error());
  std::vector<json> out;
  for (const Member* m : roster(state, delegation_id, include_withdrawn)) out.push_back(roster_entry(state, actor, *m));
  return out;
}

Result<json> read_member(const State& state, const Actor& actor, const std::string& id) {
  const Member* m = state.member(id);
  if (!m) return fail(Error::not_found("no member " + id));
  if (acts_for(state, actor, m->delegation_id) || is_self(actor, id)) return full_view(state, *m);
  if (actor.integrator || actor.country) return member_view(*m, nullptr, nullptr, false);
  auto own = own_delegation(state, actor);
  if (own && *own == m->delegation_id) return member_view(*m, nullptr, nullptr, false);
  return fail(Error::forbidden("a delegation member reads only the members of their own delegation"));
}

Result<json> read_travel(const State& state, const Actor& actor, const std::string& member_id) {
  const Member* m = state.member(member_id);
  if (!m) return fail(Error::not_found("no member " + member_id));
  if (!acts_for(state, actor, m->delegation_id) && !is_self(actor, member_id))
    return fail(Error::forbidden(
        "travel details are personal: only protocol officers, their delegation's officers and the member themself read "
        "them"));
  const Travel* t = state.travel_of(member_id);
  return t ? travel_json(*t) : travel_json(Travel{});
}

}  // namespace concord::delegations
