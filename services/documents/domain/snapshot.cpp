#include "documents/domain/snapshot.hpp"

#include "concord/core/binary.hpp"
#include "documents/domain/decide.hpp"

namespace concord::documents {

namespace {

constexpr std::uint32_t kMagic = 0x444f4331;  // "DOC1"

}  // namespace

// A document's layouts; io.field(member) finds the layout of a member that is a struct, so they
// sit in this namespace, not an anonymous one (binary.hpp, Writer::field).

template <class Io>
void layout(Io& io, Signatory& s) {
  io.field(s.delegation_id);
  io.field(s.member_id);
}

template <class Io>
void layout(Io& io, Version& v) {
  io.field(v.number);
  io.field(v.language);
  io.field(v.sha256);
  io.field(v.size);
  io.field(v.content);
  io.field(v.intact);
  io.field(v.created_at);
  io.field(v.created_by);
}

template <class Io>
void layout(Io& io, VersionRef& r) {
  io.field(r.number);
  io.field(r.sha256);
}

template <class Io>
void layout(Io& io, Approval& a) {
  io.field(a.decision);
  io.field(a.comment);
  io.field(a.versions);
  io.field(a.at);
  io.field(a.by);
}

template <class Io>
void layout(Io& io, Signing& s) {
  io.field(s.meeting_id);
  io.field(s.start);
  io.field(s.end);
}

template <class Io>
void layout(Io& io, Signature& s) {
  io.field(s.member_id);
  io.field(s.delegation_id);
  io.field(s.method);
  io.field(s.signed_at);
  io.field(s.place);
  io.field(s.signature);
  io.field(s.recorded_by);
}

template <class Io>
void layout(Io& io, EntryIntoForce& e) {
  io.field(e.rule, Rule::after_notifications);
  io.field(e.date);
  io.field(e.days);
}

template <class Io>
void layout(Io& io, AuditEntry& a) {
  io.field(a.sequence);
  io.field(a.event_id);
  io.field(a.type);
  io.field(a.time);
  io.field(a.actor);
  io.field(a.previous_hash);
  io.field(a.hash);
  io.field(a.computed_hash);
}

template <class Io>
void layout(Io& io, Document& d) {
  io.field(d.id);
  io.field(d.visit_id);
  io.field(d.kind);
  io.field(d.title);
  io.field(d.status, DocStatus::withdrawn);
  io.field(d.parties);
  io.field(d.signatories);
  io.field(d.languages);
  io.field(d.versions);
  io.field(d.latest);
  io.field(d.approvals);
  io.field(d.agreed);
  io.field(d.agreed_at);
  io.field(d.signing);
  io.field(d.signing_cancel_reason);
  io.field(d.signatures);
  io.field(d.signed_on);
  io.field(d.entry_into_force);
  io.field(d.notifications);
  io.field(d.in_force_on);
  io.field(d.withdraw_reason);
  io.field(d.reject_comment);
  io.field(d.created_at);
  io.field(d.updated_at);
  io.field(d.version);
  io.field(d.head_hash);
  io.field(d.audit);
  io.field(d.pending_content);
}

// The state, with the views of the other services as their contracts lay them out.
template <class Io>
void layout(Io& io, State& s) {
  io.mark(kMagic);
  io.values(s.documents, &Document::id);
  io.field(s.order);
  io.field(s.by_visit);
  io.field(s.by_status, DocStatus::withdrawn);
  io.values(s.members, &MemberView::id);
  io.values(s.delegations, &DelegationView::id);
  io.values(s.meetings, &MeetingView::id);
  io.field(s.identities);
  io.mark(kMagic);
}

std::string encode_state(const State& state) {
  return binary::to_bytes(state);
}

State decode_state(std::string_view bytes) {
  auto state = binary::from_bytes<State>(bytes);
  reindex(state);
  return state;
}

}  // namespace concord::documents
