#include "delegations/domain/snapshot.hpp"

#include "concord/core/binary.hpp"

namespace concord::delegations {

namespace {

using binary::Reader;
using binary::Writer;

constexpr std::uint32_t kMagic = 0x444c4731;  // "DLG1"

void put(Writer& w, const Contact& c) {
  w.opt_str(c.email);
  w.opt_str(c.phone);
}
Contact get_contact(Reader& r) {
  Contact c;
  c.email = r.opt_str();
  c.phone = r.opt_str();
  return c;
}

void put(Writer& w, const std::optional<TravelLeg>& leg) {
  w.boolean(leg.has_value());
  if (!leg) return;
  w.time(leg->time);
  w.i64(leg->offset_minutes);
  w.opt_str(leg->flight);
  w.opt_str(leg->airport);
}
std::optional<TravelLeg> get_leg(Reader& r) {
  if (!r.boolean()) return std::nullopt;
  TravelLeg leg;
  leg.time = r.time();
  leg.offset_minutes = static_cast<int>(r.i64());
  leg.flight = r.opt_str();
  leg.airport = r.opt_str();
  return leg;
}
void put_day(Writer& w, const std::optional<Days>& d) {
  w.opt_i64(d ? std::optional<long long>(d->time_since_epoch().count()) : std::nullopt);
}
std::optional<Days> get_day(Reader& r) {
  auto v = r.opt_i64();
  if (!v) return std::nullopt;
  return Days{std::chrono::days{*v}};
}
void put(Writer& w, const Travel& t) {
  put(w, t.arrival);
  put(w, t.departure);
  w.boolean(t.hotel.has_value());
  if (t.hotel) {
    w.str(t.hotel->name);
    w.opt_str(t.hotel->address);
    put_day(w, t.hotel->check_in);
    put_day(w, t.hotel->check_out);
  }
}
Travel get_travel(Reader& r) {
  Travel t;
  t.arrival = get_leg(r);
  t.departure = get_leg(r);
  if (r.boolean()) {
    Hotel h;
    h.name = r.str();
    h.address = r.opt_str();
    h.check_in = get_day(r);
    h.check_out = get_day(r);
    t.hotel = std::move(h);
  }
  return t;
}

}  // namespace

// The layouts of a delegation and a member, each written once for both directions
// (binary::Writer/Reader::field): a struct's layout names its members in order, and
// io.field(member) finds the layout of a member that is a struct. They live in this namespace,
// not an anonymous one, for that lookup to find them.

template <class Io>
void layout(Io& io, Delegation& d) {
  io.field(d.id);
  io.field(d.visit_id);
  io.field(d.country);
  io.field(d.side, Side::guest);
  io.field(d.name);
  io.field(d.head_member_id);
  io.field(d.version);
}

template <class Io>
void layout(Io& io, AccreditationStep& step) {
  io.field(step.action);
  io.field(step.actor);
  io.field(step.reason);
  io.field(step.badge_number);
  io.field(step.at);
}

template <class Io>
void layout(Io& io, Member& m) {
  io.field(m.id);
  io.field(m.delegation_id);
  io.field(m.visit_id);
  io.field(m.full_name);
  io.field(m.position);
  io.field(m.rank, Rank::support_staff);
  io.field(m.precedence_order);
  io.field(m.is_head);
  io.field(m.languages);
  io.field(m.time_zone);
  io.field(m.notification_language);
  io.field(m.channels);
  io.field(m.public_key);
  io.field(m.withdrawn);
  io.field(m.withdrawal_reason);
  io.field(m.accreditation.status, AccreditationStatus::revoked);
  io.field(m.accreditation.badge_number);
  io.field(m.accreditation.history);
  io.field(m.version);
}

std::string encode_state(const State& s) {
  Writer w;
  w.mark(kMagic);
  w.count(s.delegations.size());
  for (const auto& [id, d] : s.delegations) w.field(d);
  w.count(s.members.size());
  for (const auto& [id, m] : s.members) w.field(m);
  w.count(s.members_of.size());
  for (const auto& [id, ids] : s.members_of) {
    w.str(id);
    w.strings(ids);
  }
  w.count(s.roster_order.size());
  for (const auto& [id, order] : s.roster_order) {
    w.str(id);
    w.string_map(order);
  }
  w.count(s.delegations_of_visit.size());
  for (const auto& [visit, ids] : s.delegations_of_visit) {
    w.str(visit);
    w.strings(std::vector<std::string>(ids.begin(), ids.end()));
  }
  w.string_map(s.badges);
  w.count(s.contacts.size());
  for (const auto& [id, c] : s.contacts) {
    w.str(id);
    put(w, c);
  }
  w.count(s.travel.size());
  for (const auto& [id, t] : s.travel) {
    w.str(id);
    put(w, t);
  }
  w.count(s.pending.size());
  for (const auto& [event_id, list] : s.pending) {
    w.str(event_id);
    w.count(list.size());
    for (const auto& p : list) {
      w.str(p.member_id);
      w.boolean(p.is_contact);
      w.boolean(p.contact.has_value());
      if (p.contact) put(w, *p.contact);
      put(w, p.travel);
    }
  }
  auth::encode_links(w, s.identities);
  w.count(s.linked.size());
  for (const auto& [member_id, l] : s.linked) {
    w.str(member_id);
    w.str(l.identity.issuer);
    w.str(l.identity.subject);
    w.str(l.via);
    w.opt_str(l.invitation_id);
    w.time(l.linked_at);
    w.i64(l.version);
  }
  w.count(s.identity_versions.size());
  for (const auto& [member_id, version] : s.identity_versions) {
    w.str(member_id);
    w.i64(version);
  }
  w.count(s.invitations.size());
  for (const auto& [id, i] : s.invitations) {
    w.str(i.id);
    w.str(i.member_id);
    w.str(i.delegation_id);
    w.str(i.code_sha256);
    w.str(i.created_by);
    w.time(i.created_at);
    w.time(i.expires_at);
    w.boolean(i.redeemed);
  }
  w.string_map(s.invitation_by_code);
  w.strings(std::vector<std::string>(s.recent_public.begin(), s.recent_public.end()));
  w.mark(kMagic);
  return w.take();
}

State decode_state(std::string_view bytes) {
  Reader r(bytes);
  State s;
  r.mark(kMagic);
  for (auto n = r.count(); n > 0; --n) {
    Delegation d;
    r.field(d);
    s.delegations.emplace_hint(s.delegations.end(), d.id, std::move(d));
  }
  for (auto n = r.count(); n > 0; --n) {
    Member m;
    r.field(m);
    s.members.emplace_hint(s.members.end(), m.id, std::move(m));
  }
  for (auto n = r.count(); n > 0; --n) {
    auto id = r.str();
    s.members_of.emplace_hint(s.members_of.end(), std::move(id), r.strings());
  }
  for (auto n = r.count(); n > 0; --n) {
    auto id = r.str();
    s.roster_order.emplace_hint(s.roster_order.end(), std::move(id), r.string_map());
  }
  for (auto n = r.count(); n > 0; --n) {
    auto visit = r.str();
    auto ids = r.strings();
    s.delegations_of_visit.emplace_hint(s.delegations_of_visit.end(), std::move(visit),
                                        std::set<std::string>(ids.begin(), ids.end()));
  }
  s.badges = r.string_map();
  for (auto n = r.count(); n > 0; --n) {
    auto id = r.str();
    s.contacts.emplace_hint(s.contacts.end(), std::move(id), get_contact(r));
  }
  for (auto n = r.count(); n > 0; --n) {
    auto id = r.str();
    s.travel.emplace_hint(s.travel.end(), std::move(id), get_travel(r));
  }
  for (auto n = r.count(); n > 0; --n) {
    auto event_id = r.str();
    std::vector<PendingPrivate> list(r.count());
    for (auto& p : list) {
      p.member_id = r.str();
      p.is_contact = r.boolean();
      if (r.boolean()) p.contact = get_contact(r);
      p.travel = get_travel(r);
    }
    s.pending.emplace_hint(s.pending.end(), std::move(event_id), std::move(list));
  }
  s.identities = auth::decode_links(r);
  for (auto n = r.count(); n > 0; --n) {
    auto member_id = r.str();
    LinkedIdentity l;
    l.identity.issuer = r.str();
    l.identity.subject = r.str();
    l.via = r.str();
    l.invitation_id = r.opt_str();
    l.linked_at = r.time();
    l.version = r.i64();
    s.linked.emplace_hint(s.linked.end(), std::move(member_id), std::move(l));
  }
  for (auto n = r.count(); n > 0; --n) {
    auto member_id = r.str();
    s.identity_versions.emplace_hint(s.identity_versions.end(), std::move(member_id), r.i64());
  }
  for (auto n = r.count(); n > 0; --n) {
    Invitation i;
    i.id = r.str();
    i.member_id = r.str();
    i.delegation_id = r.str();
    i.code_sha256 = r.str();
    i.created_by = r.str();
    i.created_at = r.time();
    i.expires_at = r.time();
    i.redeemed = r.boolean();
    s.invitations.emplace_hint(s.invitations.end(), i.id, std::move(i));
  }
  s.invitation_by_code = r.string_map();
  for (auto& id : r.strings()) {
    s.recent_public_ids.insert(id);
    s.recent_public.push_back(std::move(id));
  }
  r.mark(kMagic);
  if (!r.done()) throw binary::Malformed("bytes after the end of the state");
  return s;
}

}  // namespace concord::delegations
