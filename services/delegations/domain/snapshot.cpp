#include "delegations/domain/snapshot.hpp"

#include "concord/core/binary.hpp"

namespace concord::delegations {

namespace {

constexpr std::uint32_t kMagic = 0x444c4731;  // "DLG1"

}  // namespace

// Delegations' layouts, members to invitations; in this namespace (not an anonymous one) for
// io.field(member) to find them (binary.hpp, Writer::field).

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

template <class Io>
void layout(Io& io, Contact& c) {
  io.field(c.email);
  io.field(c.phone);
}

template <class Io>
void layout(Io& io, TravelLeg& leg) {
  io.field(leg.time);
  io.field(leg.offset_minutes);
  io.field(leg.flight);
  io.field(leg.airport);
}

template <class Io>
void layout(Io& io, Hotel& h) {
  io.field(h.name);
  io.field(h.address);
  io.field(h.check_in);
  io.field(h.check_out);
}

template <class Io>
void layout(Io& io, Travel& t) {
  io.field(t.arrival);
  io.field(t.departure);
  io.field(t.hotel);
}

template <class Io>
void layout(Io& io, PendingPrivate& p) {
  io.field(p.member_id);
  io.field(p.is_contact);
  io.field(p.contact);
  io.field(p.travel);
}

template <class Io>
void layout(Io& io, LinkedIdentity& l) {
  io.field(l.identity.issuer);
  io.field(l.identity.subject);
  io.field(l.via);
  io.field(l.invitation_id);
  io.field(l.linked_at);
  io.field(l.version);
}

template <class Io>
void layout(Io& io, Invitation& i) {
  io.field(i.id);
  io.field(i.member_id);
  io.field(i.delegation_id);
  io.field(i.code_sha256);
  io.field(i.created_by);
  io.field(i.created_at);
  io.field(i.expires_at);
  io.field(i.redeemed);
}

// The state; recent_public_ids is rebuilt from recent_public (decode_state).
template <class Io>
void layout(Io& io, State& s) {
  io.mark(kMagic);
  io.values(s.delegations, &Delegation::id);
  io.values(s.members, &Member::id);
  io.field(s.members_of);
  io.field(s.roster_order);
  io.field(s.delegations_of_visit);
  io.field(s.badges);
  io.field(s.contacts);
  io.field(s.travel);
  io.field(s.pending);
  io.field(s.identities);
  io.field(s.linked);
  io.field(s.identity_versions);
  io.values(s.invitations, &Invitation::id);
  io.field(s.invitation_by_code);
  io.field(s.recent_public);
  io.mark(kMagic);
}

std::string encode_state(const State& s) {
  return binary::to_bytes(s);
}

State decode_state(std::string_view bytes) {
  auto s = binary::from_bytes<State>(bytes);
  s.recent_public_ids.insert(s.recent_public.begin(), s.recent_public.end());
  return s;
}

}  // namespace concord::delegations
