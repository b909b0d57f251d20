#include "notifications/domain/snapshot.hpp"

#include "concord/core/binary.hpp"

namespace concord::notifications {

namespace {

constexpr std::uint32_t kMagic = 0x4e4f5431;  // "NOT1"
enum Section : std::uint32_t { views = 1, inbox, webhooks, emails, end };

}  // namespace

// Notifications' layouts, views to e-mails; in this namespace (not an anonymous one) for
// io.field(member) to find them (binary.hpp, Writer::field).

// A member and a meeting: their contract's view (its layout is the contract's), then what
// notifications keeps on top of it.
template <class Io>
void layout(Io& io, Member& m) {
  io.field(static_cast<delegations::contract::MemberView&>(m));
  io.field(m.channels);
  io.field(m.accreditation);
  io.field(m.withdrawn_at);
}

template <class Io>
void layout(Io& io, Meeting& m) {
  io.field(static_cast<scheduling::contract::MeetingView&>(m));
  io.field(m.title);
  io.field(m.venue_id);
  io.field(m.time_zone);
  io.field(m.participants);
}

template <class Io>
void layout(Io& io, Venue& v) {
  io.field(v.id);
  io.field(v.name);
  io.field(v.city);
  io.field(v.time_zone);
  io.field(v.version);
}

template <class Io>
void layout(Io& io, Signing& s) {
  io.field(s.meeting_id);
  io.field(s.start);
  io.field(s.end);
}

template <class Io>
void layout(Io& io, Document& d) {
  io.field(d.id);
  io.field(d.title);
  io.field(d.kind);
  io.field(d.status);
  io.field(d.signatories);
  io.field(d.signing);
  io.field(d.version);
}

template <class Io>
void layout(Io& io, Notification& n) {
  io.field(n.id);
  io.field(n.member_id);
  io.field(n.kind);
  io.field(n.title);
  io.field(n.body);
  io.field(n.language);
  io.field(n.created_at);
  io.field(n.cause_event_id);
  io.field(n.cause_event_type);
  io.field(n.subject);
  io.field(n.urgent);
  io.field(n.deliver_after);
  io.field(n.reminder);
  io.field(n.read_at);
  io.field(n.inbox_key);
}

template <class Io>
void layout(Io& io, QuietHours& q) {
  io.field(q.start_minute);
  io.field(q.end_minute);
}

template <class Io>
void layout(Io& io, Preferences& p) {
  io.field(p.language);
  io.field(p.time_zone);
  io.field(p.channels);
  io.field(p.quiet_hours);
  io.field(p.digest_minute);
  io.field(p.version);
}

template <class Io>
void layout(Io& io, Webhook& h) {
  io.field(h.id);
  io.field(h.owner);
  io.field(h.url);
  io.field(h.event_types);
  io.field(h.status);
  io.field(h.created_at);
  io.field(h.version);
  io.field(h.secret_generation);
  io.field(h.previous_secret_until);
}

template <class Io>
void layout(Io& io, Delivery& d) {
  io.field(d.id);
  io.field(d.webhook_id);
  io.field(d.event_id);
  io.field(d.event_type);
  io.field(d.payload);
  io.field(d.attempts);
  io.field(d.status);
  io.field(d.last_status_code);
  io.field(d.last_error);
  io.field(d.next_attempt_at);
  io.field(d.updated_at);
  io.field(d.replayed_after);
  io.field(d.replays);
}

template <class Io>
void layout(Io& io, Invitation& i) {
  io.field(i.method);
  io.field(i.uid);
  io.field(i.sequence);
  io.field(i.start);
  io.field(i.end);
  io.field(i.summary);
  io.field(i.location);
  io.field(i.time_zone);
}

template <class Io>
void layout(Io& io, Email& e) {
  io.field(e.id);
  io.field(e.message_id);
  io.field(e.member_id);
  io.field(e.kind);
  io.field(e.language);
  io.field(e.subject);
  io.field(e.text);
  io.field(e.urgent);
  io.field(e.queued_at);
  io.field(e.not_before);
  io.field(e.invitation);
  io.field(e.digest);
  io.field(e.includes);
  io.field(e.digest_id);
  io.field(e.attempts);
  io.field(e.status);
  io.field(e.last_code);
  io.field(e.last_error);
  io.field(e.next_attempt_at);
  io.field(e.updated_at);
}

template <class Io>
void layout(Io& io, FailingAddress& f) {
  io.field(f.member_id);
  io.field(f.address_digest);
  io.field(f.reason);
  io.field(f.email_id);
  io.field(f.since);
}

// The whole state, section by section; a reader checks each section's marker.
template <class Io>
void layout(Io& io, State& s) {
  io.mark(kMagic);
  io.mark(views);
  io.field(s.views.members);
  io.field(s.views.contacts.email);
  io.field(s.views.contacts.waiting);
  io.field(s.views.contacts.member_events);
  io.field(s.views.identities);
  io.field(s.views.venues);
  io.field(s.views.meetings);
  io.field(s.views.documents);
  io.mark(inbox);
  io.field(s.inbox.notifications);
  io.field(s.inbox.by_member);
  io.field(s.inbox.unread_by_member);
  io.field(s.inbox.held_unread);
  io.field(s.inbox.fired_reminders);
  io.field(s.inbox.preferences);
  io.mark(webhooks);
  io.field(s.webhooks.by_id);
  io.field(s.webhooks.deliveries);
  io.field(s.webhooks.by_webhook);
  io.field(s.webhooks.pending);
  io.mark(emails);
  io.field(s.emails.by_id);
  io.field(s.emails.pending);
  io.field(s.emails.held);
  io.field(s.emails.by_member);
  io.field(s.emails.failing);
  io.field(s.emails.address_versions);
  io.mark(end);
}

std::string encode_state(const State& state) {
  return binary::to_bytes(state);
}

State decode_state(std::string_view bytes) {
  auto state = binary::from_bytes<State>(bytes);
  reindex(state.views);
  reindex(state.webhooks);
  return state;
}

}  // namespace concord::notifications
