#include "notifications/domain/snapshot.hpp"

#include <map>
#include <set>
#include <vector>

#include "concord/core/binary.hpp"

namespace concord::notifications {

namespace {

using binary::Reader;
using binary::Writer;

constexpr std::uint32_t kMagic = 0x4e4f5431;  // "NOT1"
enum Section : std::uint32_t { views = 1, inbox, webhooks, emails, end };

void put_time(Writer& w, Timestamp t) {
  w.i64(t.time_since_epoch().count());
}
Timestamp get_time(Reader& r) {
  return Timestamp{std::chrono::milliseconds{r.i64()}};
}
void put_opt_time(Writer& w, const std::optional<Timestamp>& t) {
  w.boolean(t.has_value());
  if (t) put_time(w, *t);
}
std::optional<Timestamp> get_opt_time(Reader& r) {
  if (!r.boolean()) return std::nullopt;
  return get_time(r);
}
void put_set(Writer& w, const std::set<std::string>& s) {
  w.count(s.size());
  for (const auto& v : s) w.str(v);
}
std::set<std::string> get_set(Reader& r) {
  std::set<std::string> s;
  for (auto n = r.count(); n > 0; --n) s.emplace_hint(s.end(), r.str());
  return s;
}

// A map keyed by string, each value written by `put`.
template <class V, class Put>
void put_map(Writer& w, const std::map<std::string, V>& m, Put&& put) {
  w.count(m.size());
  for (const auto& [k, v] : m) {
    w.str(k);
    put(w, v);
  }
}
template <class V, class Get>
std::map<std::string, V> get_map(Reader& r, Get&& get) {
  std::map<std::string, V> m;
  for (auto n = r.count(); n > 0; --n) {
    auto k = r.str();
    m.emplace_hint(m.end(), std::move(k), get(r));
  }
  return m;
}

void put_index(Writer& w, const std::map<std::string, std::map<std::string, std::string>>& m) {
  put_map(w, m, [](Writer& out, const std::map<std::string, std::string>& v) { out.string_map(v); });
}
std::map<std::string, std::map<std::string, std::string>> get_index(Reader& r) {
  return get_map<std::map<std::string, std::string>>(r, [](Reader& in) { return in.string_map(); });
}
void put_sets(Writer& w, const std::map<std::string, std::set<std::string>>& m) {
  put_map(w, m, [](Writer& out, const std::set<std::string>& v) { put_set(out, v); });
}
std::map<std::string, std::set<std::string>> get_sets(Reader& r) {
  return get_map<std::set<std::string>>(r, [](Reader& in) { return get_set(in); });
}

// ---- views ----------------------------------------------------------------------------------

void put(Writer& w, const Member& m) {
  w.str(m.id);
  w.str(m.delegation_id);
  w.str(m.visit_id);
  w.string_map(m.full_name);
  w.strings(m.languages);
  w.str(m.time_zone);
  w.str(m.notification_language);
  w.strings(m.channels);
  w.str(m.status);
  w.str(m.accreditation);
  w.i64(m.version);
}
Member get_member(Reader& r) {
  Member m;
  m.id = r.str();
  m.delegation_id = r.str();
  m.visit_id = r.str();
  m.full_name = r.string_map();
  m.languages = r.strings();
  m.time_zone = r.str();
  m.notification_language = r.str();
  m.channels = r.strings();
  m.status = r.str();
  m.accreditation = r.str();
  m.version = r.i64();
  return m;
}

void put(Writer& w, const Venue& v) {
  w.str(v.id);
  w.string_map(v.name);
  w.str(v.city);
  w.str(v.time_zone);
  w.i64(v.version);
}
Venue get_venue(Reader& r) {
  Venue v;
  v.id = r.str();
  v.name = r.string_map();
  v.city = r.str();
  v.time_zone = r.str();
  v.version = r.i64();
  return v;
}

void put(Writer& w, const Meeting& m) {
  w.str(m.id);
  w.str(m.visit_id);
  w.string_map(m.title);
  w.str(m.kind);
  put_time(w, m.start);
  put_time(w, m.end);
  w.str(m.venue_id);
  w.str(m.time_zone);
  w.strings(m.participants);
  w.str(m.status);
  w.i64(m.version);
}
Meeting get_meeting(Reader& r) {
  Meeting m;
  m.id = r.str();
  m.visit_id = r.str();
  m.title = r.string_map();
  m.kind = r.str();
  m.start = get_time(r);
  m.end = get_time(r);
  m.venue_id = r.str();
  m.time_zone = r.str();
  m.participants = r.strings();
  m.status = r.str();
  m.version = r.i64();
  return m;
}

void put(Writer& w, const Document& d) {
  w.str(d.id);
  w.string_map(d.title);
  w.str(d.kind);
  w.str(d.status);
  w.strings(d.signatories);
  w.boolean(d.signing.has_value());
  if (d.signing) {
    w.str(d.signing->meeting_id);
    put_time(w, d.signing->start);
    put_time(w, d.signing->end);
  }
  w.i64(d.version);
}
Document get_document(Reader& r) {
  Document d;
  d.id = r.str();
  d.title = r.string_map();
  d.kind = r.str();
  d.status = r.str();
  d.signatories = r.strings();
  if (r.boolean()) {
    Signing s;
    s.meeting_id = r.str();
    s.start = get_time(r);
    s.end = get_time(r);
    d.signing = std::move(s);
  }
  d.version = r.i64();
  return d;
}

void put(Writer& w, const Views& v) {
  w.mark(views);
  put_map(w, v.members, [](Writer& out, const Member& m) { put(out, m); });
  w.string_map(v.contacts.email);
  put_map(w, v.contacts.waiting, [](Writer& out, const std::pair<std::string, std::string>& p) {
    out.str(p.first);
    out.str(p.second);
  });
  put_set(w, v.contacts.member_events);
  auth::encode_links(w, v.identities);
  put_map(w, v.venues, [](Writer& out, const Venue& x) { put(out, x); });
  put_map(w, v.meetings, [](Writer& out, const Meeting& x) { put(out, x); });
  put_map(w, v.documents, [](Writer& out, const Document& x) { put(out, x); });
}
Views get_views(Reader& r) {
  r.mark(views);
  Views v;
  v.members = get_map<Member>(r, get_member);
  v.contacts.email = r.string_map();
  v.contacts.waiting = get_map<std::pair<std::string, std::string>>(r, [](Reader& in) {
    auto member = in.str();
    return std::make_pair(std::move(member), in.str());
  });
  v.contacts.member_events = get_set(r);
  v.identities = auth::decode_links(r);
  v.venues = get_map<Venue>(r, get_venue);
  v.meetings = get_map<Meeting>(r, get_meeting);
  v.documents = get_map<Document>(r, get_document);
  return v;
}

// ---- inbox ----------------------------------------------------------------------------------

void put(Writer& w, const Notification& n) {
  w.str(n.id);
  w.str(n.member_id);
  w.str(n.kind);
  w.str(n.title);
  w.str(n.body);
  w.str(n.language);
  put_time(w, n.created_at);
  w.str(n.cause_event_id);
  w.str(n.cause_event_type);
  w.str(n.subject);
  w.boolean(n.urgent);
  put_time(w, n.deliver_after);
  w.str(n.reminder);
  put_opt_time(w, n.read_at);
  w.str(n.inbox_key);
}
Notification get_notification(Reader& r) {
  Notification n;
  n.id = r.str();
  n.member_id = r.str();
  n.kind = r.str();
  n.title = r.str();
  n.body = r.str();
  n.language = r.str();
  n.created_at = get_time(r);
  n.cause_event_id = r.str();
  n.cause_event_type = r.str();
  n.subject = r.str();
  n.urgent = r.boolean();
  n.deliver_after = get_time(r);
  n.reminder = r.str();
  n.read_at = get_opt_time(r);
  n.inbox_key = r.str();
  return n;
}

void put(Writer& w, const Preferences& p) {
  w.opt_str(p.language);
  w.opt_str(p.time_zone);
  w.boolean(p.channels.has_value());
  if (p.channels) w.strings(*p.channels);
  w.boolean(p.quiet_hours.has_value());
  if (p.quiet_hours) {
    w.i64(p.quiet_hours->start_minute);
    w.i64(p.quiet_hours->end_minute);
  }
  w.opt_i64(p.digest_minute);
  w.i64(p.version);
}
Preferences get_preferences(Reader& r) {
  Preferences p;
  p.language = r.opt_str();
  p.time_zone = r.opt_str();
  if (r.boolean()) p.channels = r.strings();
  if (r.boolean()) {
    QuietHours q;
    q.start_minute = static_cast<int>(r.i64());
    q.end_minute = static_cast<int>(r.i64());
    p.quiet_hours = q;
  }
  if (auto minute = r.opt_i64()) p.digest_minute = static_cast<int>(*minute);
  p.version = r.i64();
  return p;
}

void put(Writer& w, const Inbox& in) {
  w.mark(inbox);
  put_map(w, in.notifications, [](Writer& out, const Notification& n) { put(out, n); });
  put_index(w, in.by_member);
  put_index(w, in.unread_by_member);
  put_sets(w, in.held_unread);
  put_set(w, in.fired_reminders);
  put_map(w, in.preferences, [](Writer& out, const Preferences& p) { put(out, p); });
}
Inbox get_inbox(Reader& r) {
  r.mark(inbox);
  Inbox in;
  in.notifications = get_map<Notification>(r, get_notification);
  in.by_member = get_index(r);
  in.unread_by_member = get_index(r);
  in.held_unread = get_sets(r);
  in.fired_reminders = get_set(r);
  in.preferences = get_map<Preferences>(r, get_preferences);
  return in;
}

// ---- webhooks -------------------------------------------------------------------------------

void put(Writer& w, const Webhook& h) {
  w.str(h.id);
  w.str(h.owner);
  w.str(h.url);
  w.strings(h.event_types);
  w.str(h.status);
  put_time(w, h.created_at);
  w.i64(h.version);
  w.i64(h.secret_generation);
  put_opt_time(w, h.previous_secret_until);
}
Webhook get_webhook(Reader& r) {
  Webhook h;
  h.id = r.str();
  h.owner = r.str();
  h.url = r.str();
  h.event_types = r.strings();
  h.status = r.str();
  h.created_at = get_time(r);
  h.version = r.i64();
  h.secret_generation = static_cast<int>(r.i64());
  h.previous_secret_until = get_opt_time(r);
  return h;
}

void put(Writer& w, const Delivery& d) {
  w.str(d.id);
  w.str(d.webhook_id);
  w.str(d.event_id);
  w.str(d.event_type);
  w.str(d.payload);
  w.i64(d.attempts);
  w.str(d.status);
  w.i64(d.last_status_code);
  w.str(d.last_error);
  put_opt_time(w, d.next_attempt_at);
  put_time(w, d.updated_at);
  w.i64(d.replayed_after);
  w.i64(d.replays);
}
Delivery get_delivery(Reader& r) {
  Delivery d;
  d.id = r.str();
  d.webhook_id = r.str();
  d.event_id = r.str();
  d.event_type = r.str();
  d.payload = r.str();
  d.attempts = static_cast<int>(r.i64());
  d.status = r.str();
  d.last_status_code = static_cast<int>(r.i64());
  d.last_error = r.str();
  d.next_attempt_at = get_opt_time(r);
  d.updated_at = get_time(r);
  d.replayed_after = static_cast<int>(r.i64());
  d.replays = static_cast<int>(r.i64());
  return d;
}

void put(Writer& w, const Webhooks& s) {
  w.mark(webhooks);
  put_map(w, s.by_id, [](Writer& out, const Webhook& h) { put(out, h); });
  put_map(w, s.deliveries, [](Writer& out, const Delivery& d) { put(out, d); });
  put_index(w, s.by_webhook);
  put_set(w, s.pending);
}
Webhooks get_webhooks(Reader& r) {
  r.mark(webhooks);
  Webhooks s;
  s.by_id = get_map<Webhook>(r, get_webhook);
  s.deliveries = get_map<Delivery>(r, get_delivery);
  s.by_webhook = get_index(r);
  s.pending = get_set(r);
  return s;
}

// ---- e-mail ---------------------------------------------------------------------------------

void put(Writer& w, const Invitation& i) {
  w.str(i.method);
  w.str(i.uid);
  w.i64(i.sequence);
  put_time(w, i.start);
  put_time(w, i.end);
  w.str(i.summary);
  w.str(i.location);
  w.str(i.time_zone);
}
Invitation get_invitation(Reader& r) {
  Invitation i;
  i.method = r.str();
  i.uid = r.str();
  i.sequence = r.i64();
  i.start = get_time(r);
  i.end = get_time(r);
  i.summary = r.str();
  i.location = r.str();
  i.time_zone = r.str();
  return i;
}

void put(Writer& w, const Email& e) {
  w.str(e.id);
  w.str(e.message_id);
  w.str(e.member_id);
  w.str(e.kind);
  w.str(e.language);
  w.str(e.subject);
  w.str(e.text);
  w.boolean(e.urgent);
  put_time(w, e.queued_at);
  put_time(w, e.not_before);
  w.boolean(e.invitation.has_value());
  if (e.invitation) put(w, *e.invitation);
  w.boolean(e.digest);
  w.strings(e.includes);
  w.str(e.digest_id);
  w.i64(e.attempts);
  w.str(e.status);
  w.i64(e.last_code);
  w.str(e.last_error);
  put_opt_time(w, e.next_attempt_at);
  put_time(w, e.updated_at);
}
Email get_email(Reader& r) {
  Email e;
  e.id = r.str();
  e.message_id = r.str();
  e.member_id = r.str();
  e.kind = r.str();
  e.language = r.str();
  e.subject = r.str();
  e.text = r.str();
  e.urgent = r.boolean();
  e.queued_at = get_time(r);
  e.not_before = get_time(r);
  if (r.boolean()) e.invitation = get_invitation(r);
  e.digest = r.boolean();
  e.includes = r.strings();
  e.digest_id = r.str();
  e.attempts = static_cast<int>(r.i64());
  e.status = r.str();
  e.last_code = static_cast<int>(r.i64());
  e.last_error = r.str();
  e.next_attempt_at = get_opt_time(r);
  e.updated_at = get_time(r);
  return e;
}

void put(Writer& w, const FailingAddress& f) {
  w.str(f.member_id);
  w.str(f.address_digest);
  w.str(f.reason);
  w.str(f.email_id);
  put_time(w, f.since);
}
FailingAddress get_failing(Reader& r) {
  FailingAddress f;
  f.member_id = r.str();
  f.address_digest = r.str();
  f.reason = r.str();
  f.email_id = r.str();
  f.since = get_time(r);
  return f;
}

void put(Writer& w, const Emails& s) {
  w.mark(emails);
  put_map(w, s.by_id, [](Writer& out, const Email& e) { put(out, e); });
  put_set(w, s.pending);
  put_sets(w, s.held);
  put_index(w, s.by_member);
  put_map(w, s.failing, [](Writer& out, const FailingAddress& f) { put(out, f); });
  put_map(w, s.address_versions, [](Writer& out, long long v) { out.i64(v); });
}
Emails get_emails(Reader& r) {
  r.mark(emails);
  Emails s;
  s.by_id = get_map<Email>(r, get_email);
  s.pending = get_set(r);
  s.held = get_sets(r);
  s.by_member = get_index(r);
  s.failing = get_map<FailingAddress>(r, get_failing);
  s.address_versions = get_map<long long>(r, [](Reader& in) -> long long { return in.i64(); });
  return s;
}

}  // namespace

std::string encode_state(const State& state) {
  Writer w;
  w.mark(kMagic);
  put(w, state.views);
  put(w, state.inbox);
  put(w, state.webhooks);
  put(w, state.emails);
  w.mark(end);
  return w.take();
}

State decode_state(std::string_view bytes) {
  Reader r(bytes);
  r.mark(kMagic);
  State s;
  s.views = get_views(r);
  s.inbox = get_inbox(r);
  s.webhooks = get_webhooks(r);
  s.emails = get_emails(r);
  r.mark(end);
  if (!r.done()) throw binary::Malformed("bytes after the end of the state");
  return s;
}

}  // namespace concord::notifications
