#include "notifications/domain/route.hpp"

#include <algorithm>
#include <charconv>

#include "concord/crypto/crypto.hpp"

namespace concord::notifications {

using namespace json_read;
using std::chrono::hours;
using std::chrono::minutes;

std::string notification_id(std::string_view cause_event_id, std::string_view member_id, std::string_view kind) {
  std::string name = "concord.notification";
  for (auto part : {cause_event_id, member_id, kind}) {
    name += '\0';
    name += part;
  }
  // RFC 9562 §5.8 (UUIDv8) from SHA-256 of the name, as its name-based example (Appendix B.2)
  // does: the version nibble 8, the variant bits 10.
  std::string hex = crypto::sha256_hex(name).substr(0, 32);
  hex[12] = '8';
  static constexpr char kVariant[] = "89ab";
  hex[16] = kVariant[(hex[16] <= '9' ? hex[16] - '0' : hex[16] - 'a' + 10) & 3];
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
         hex.substr(20, 12);
}

namespace {

// An officer's text (a title, a venue's name) in the first language the member reads that it
// has, so a Kyrgyz reader of a title given only in Russian and English gets the Russian one.
std::string pick(const Localized& texts, const Audience& a) {
  for (const auto& language : a.reads)
    if (auto it = texts.find(language); it != texts.end()) return it->second;
  return texts.empty() ? std::string{} : texts.begin()->second;
}

bool is_withdrawn(const Views& views, const std::string& member_id) {
  auto it = views.members.find(member_id);
  return it != views.members.end() && it->second.status == "withdrawn";
}

// Withdrawn by the time of an event: a member taken off a meeting and then withdrawn is told of
// the meeting, even by a reader that folded the withdrawal first (replicas fold the roster and
// the programme from two topics, in no common order).
bool withdrawn_by(const Views& views, const std::string& member_id, Timestamp at) {
  auto it = views.members.find(member_id);
  if (it == views.members.end() || it->second.status != "withdrawn") return false;
  return !it->second.withdrawn_at || *it->second.withdrawn_at <= at;
}

std::string venue_text(const Views& views, const std::string& venue_id, const Audience& a) {
  auto it = views.venues.find(venue_id);
  if (it == views.venues.end()) return {};
  std::string name = pick(it->second.name, a);
  if (!it->second.city.empty()) name += name.empty() ? it->second.city : ", " + it->second.city;
  return name;
}

// A change is urgent when what it changes happens within the next 24 hours.
bool within_a_day(Timestamp now, std::initializer_list<std::optional<Timestamp>> times) {
  for (const auto& t : times)
    if (t && *t + hours(1) >= now && *t <= now + hours(24)) return true;
  return false;
}

std::string suffix_after(const std::string& type, std::string_view prefix) {
  return type.rfind(prefix, 0) == 0 ? type.substr(prefix.size()) : std::string{};
}

class Router {
 public:
  Router(const Incoming& e, const Views& views, const RouteContext& ctx) : e_(e), views_(views), ctx_(ctx) {}

  // One notification for `member`; `values` fills the message in the member's language. The
  // message is the kind's, or `message` when one kind reads differently in some cases.
  template <class ValuesOf>
  void emit(const std::string& member, const std::string& kind, const std::string& subject,
            const std::string& fallback_zone, bool urgent, ValuesOf values_of, const std::string& message = {}) {
    if (member.empty() || withdrawn_by(views_, member, e_.time)) return;
    for (const auto& n : out_)
      if (n.member_id == member && n.kind == kind) return;  // listed twice in a snapshot: once
    Audience a = audience_of(member, views_, ctx_, fallback_zone);
    Values values = values_of(a);
    Message m = ctx_.messages.render(a.language, message.empty() ? kind : message, values);
    Notification n;
    n.id = e_.id.empty() ? ctx_.ids.next() : notification_id(e_.id, member, kind);
    n.member_id = member;
    n.kind = kind;
    n.title = std::move(m.title);
    n.body = std::move(m.body);
    n.language = a.language;
    n.created_at = ctx_.now;
    n.cause_event_id = e_.id;
    n.cause_event_type = e_.type;
    n.subject = subject;
    n.urgent = urgent;
    n.deliver_after = ctx_.now;
    if (!urgent && a.preferences && a.preferences->quiet_hours) {
      if (auto until = quiet_until(*a.preferences->quiet_hours, ctx_.now, a.time_zone)) n.deliver_after = *until;
    }
    out_.push_back(std::move(n));
  }

  std::string when(const Audience& a, Timestamp t) const { return ctx_.messages.datetime(a.language, t, a.time_zone); }
  std::string reason(const Audience& a) const {
    auto r = str(e_.data, "reason");
    return r.empty() ? ctx_.messages.text(a.language, "no_reason") : r;
  }
  std::string venue_part(const Audience& a, const std::string& venue_id) const {
    auto v = venue_text(views_, venue_id, a);
    return v.empty() ? std::string{} : fill(ctx_.messages.text(a.language, "venue_part"), {{"venue", v}});
  }

  void meeting(const std::string& verb) {
    auto m = e_.data.contains("meeting") ? meeting_of(e_.data["meeting"]) : std::nullopt;
    if (!m) return;
    const Meeting* before = nullptr;
    if (auto it = views_.meetings.find(m->id); it != views_.meetings.end()) before = &it->second;
    std::string subject = "meeting/" + m->id;
    auto base = [&](const Audience& a) {
      return Values{{"meeting", pick(m->title, a)},
                    {"start", when(a, m->start)},
                    {"end", when(a, m->end)},
                    {"venue", venue_text(views_, m->venue_id, a)},
                    {"venue_part", venue_part(a, m->venue_id)}};
    };
    if (verb == "scheduled") {
      bool urgent = within_a_day(ctx_.now, {m->start});
      for (const auto& p : m->participants) emit(p, "meeting.scheduled", subject, m->time_zone, urgent, base);
    } else if (verb == "rescheduled") {
      auto previous = time(e_.data, "previous_start");
      if (!previous && before) previous = before->start;
      bool urgent = within_a_day(ctx_.now, {m->start, previous});
      for (const auto& p : m->participants)
        emit(p, "meeting.rescheduled", subject, m->time_zone, urgent, [&](const Audience& a) {
          auto v = base(a);
          v["from"] = previous ? when(a, *previous) : "?";
          v["to"] = when(a, m->start);
          return v;
        });
    } else if (verb == "venue_changed") {
      bool urgent = within_a_day(ctx_.now, {m->start});
      // No venue any more: "will take place at ." would say nothing.
      std::string message = m->venue_id.empty() ? "meeting.venue_removed" : "";
      for (const auto& p : m->participants)
        emit(p, "meeting.venue_changed", subject, m->time_zone, urgent, base, message);
    } else if (verb == "participants_changed") {
      auto added = strings(e_.data, "added");
      auto removed = strings(e_.data, "removed");
      if (!e_.data.contains("added") && !e_.data.contains("removed") && before) {
        for (const auto& p : m->participants)
          if (std::find(before->participants.begin(), before->participants.end(), p) == before->participants.end())
            added.push_back(p);
        for (const auto& p : before->participants)
          if (std::find(m->participants.begin(), m->participants.end(), p) == m->participants.end())
            removed.push_back(p);
      }
      bool urgent = within_a_day(ctx_.now, {m->start});
      for (const auto& p : added) emit(p, "meeting.participant_added", subject, m->time_zone, urgent, base);
      for (const auto& p : removed) emit(p, "meeting.participant_removed", subject, m->time_zone, urgent, base);
    } else if (verb == "cancelled") {
      for (const auto& p : m->participants)
        emit(p, "meeting.cancelled", subject, m->time_zone, true, [&](const Audience& a) {
          auto v = base(a);
          v["reason"] = reason(a);
          return v;
        });
    }
    // meeting.updated (title, interpretation, notes): not worth a notification.
  }

  void accreditation(const std::string& verb) {
    if (verb != "approved" && verb != "rejected" && verb != "revoked") return;
    auto m = e_.data.contains("member") ? member_of(e_.data["member"]) : std::nullopt;
    if (!m) return;
    std::string badge = str(e_.data, "badge_number");
    if (badge.empty() && e_.data["member"].contains("accreditation"))
      badge = str(e_.data["member"]["accreditation"], "badge_number");
    // Judged on the snapshot in the event: a withdrawn member is not told.
    if (m->status == "withdrawn") return;
    emit(m->id, "accreditation." + verb, "member/" + m->id, m->time_zone, verb == "revoked", [&](const Audience& a) {
      return Values{{"badge", badge.empty() ? "—" : badge}, {"reason", reason(a)}};
    });
  }

  void document(const std::string& type) {
    auto d = e_.data.contains("document") ? document_of(e_.data["document"]) : std::nullopt;
    if (!d) return;
    std::string kind;
    if (type == documents::contract::kDocumentAgreed)
      kind = "document.agreed";
    else if (type == documents::contract::kDocumentSigned)
      kind = "document.signed";
    else if (type == documents::contract::kSigningScheduled)
      kind = "document.signing_scheduled";
    else if (type == documents::contract::kSigningRescheduled)
      kind = "document.signing_rescheduled";
    else if (type == documents::contract::kSigningCancelled)
      kind = "document.signing_cancelled";
    else
      return;
    auto start = time(e_.data, "start");
    if (!start && d->signing) start = d->signing->start;
    auto previous = time(e_.data, "previous_start");
    std::string meeting_id = str(e_.data, "meeting_id");
    if (meeting_id.empty() && d->signing) meeting_id = d->signing->meeting_id;
    std::string zone;
    if (auto it = views_.meetings.find(meeting_id); it != views_.meetings.end()) zone = it->second.time_zone;
    bool urgent = kind == "document.signing_cancelled" ||
                  (kind.starts_with("document.signing") && within_a_day(ctx_.now, {start, previous}));
    for (const auto& s : d->signatories)
      emit(s, kind, "document/" + d->id, zone, urgent, [&](const Audience& a) {
        Values v{{"document", pick(d->title, a)}, {"reason", reason(a)}};
        if (start) v["start"] = v["to"] = when(a, *start);
        v["from"] = previous ? when(a, *previous) : "?";
        return v;
      });
  }

  std::vector<Notification> run() {
    if (!e_.data.is_object()) return {};
    if (auto verb = suffix_after(e_.type, scheduling::contract::kMeetingPrefix); !verb.empty())
      meeting(verb);
    else if (auto v = suffix_after(e_.type, delegations::contract::kAccreditationPrefix); !v.empty())
      accreditation(v);
    else if (e_.type.starts_with(documents::contract::kPrefix))
      document(e_.type);
    return std::move(out_);
  }

 private:
  const Incoming& e_;
  const Views& views_;
  const RouteContext& ctx_;
  std::vector<Notification> out_;
};

}  // namespace

Audience audience_of(const std::string& member_id, const Views& views, const RouteContext& ctx,
                     const std::string& fallback_zone) {
  Audience a;
  a.member_id = member_id;
  std::vector<std::string> wanted;
  std::string zone;
  if (auto p = ctx.preferences.find(member_id); p != ctx.preferences.end()) {
    a.preferences = &p->second;
    if (p->second.language) wanted.push_back(*p->second.language);
    if (p->second.time_zone) zone = *p->second.time_zone;
  }
  if (auto m = views.members.find(member_id); m != views.members.end()) {
    wanted.push_back(m->second.notification_language);
    for (const auto& l : m->second.languages) wanted.push_back(l);
    if (zone.empty()) zone = m->second.time_zone;
  }
  if (zone.empty() || !is_known_time_zone(zone)) zone = fallback_zone;
  if (zone.empty() || !is_known_time_zone(zone)) zone = "UTC";
  a.language = ctx.messages.choose(wanted);
  a.reads.push_back(a.language);
  for (const auto& l : wanted) a.reads.push_back(l.substr(0, l.find('-')));
  a.reads.push_back(ctx.messages.fallback());
  a.reads.push_back("en");
  a.time_zone = zone;
  return a;
}

std::vector<Notification> route(const Incoming& event, const Views& views, const RouteContext& ctx) {
  return Router(event, views, ctx).run();
}

std::string reminder_key(const std::string& meeting_id, const std::string& member_id, minutes offset, Timestamp start) {
  return meeting_id + "/" + member_id + "/" + std::to_string(offset.count()) + "m/" + format_rfc3339_utc(start);
}

namespace {

// The reminder at offset o is due from start − o until the next smaller offset's time (or the
// start), so a service that was down past several of them sends only the nearest.
template <class Visit>
void each_reminder(const Views& views, const std::vector<minutes>& offsets, const std::set<std::string>& fired,
                   Timestamp now, const std::string& only_member, bool only_due, Visit visit) {
  std::vector<minutes> sorted = offsets;
  std::sort(sorted.begin(), sorted.end());  // smallest first
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  minutes longest = sorted.empty() ? minutes(0) : sorted.back();
  auto of_meeting = [&](const Meeting& m) {
    if (m.status != "scheduled" || m.start <= now) return;
    if (only_due && m.start - longest > now) return;
    for (const auto& p : m.participants) {
      if (!only_member.empty() && p != only_member) continue;
      if (is_withdrawn(views, p)) continue;
      for (size_t i = 0; i < sorted.size(); ++i) {
        Timestamp at = m.start - sorted[i];
        Timestamp window_end = i == 0 ? m.start : m.start - sorted[i - 1];
        if (now >= window_end) continue;  // passed: a nearer reminder has taken over
        if (only_due && at > now) continue;
        auto key = reminder_key(m.id, p, sorted[i], m.start);
        if (fired.contains(key)) continue;
        visit(Reminder{std::move(key), p, m.id, sorted[i], at, m.start});
      }
    }
  };
  if (only_member.empty() && only_due) {
    // Due now: only meetings that start after now and within the longest offset.
    const auto& by_start = views.scheduled_by_start;
    for (auto it = by_start.lower_bound({now, std::string{}}); it != by_start.end() && it->first <= now + longest; ++it)
      if (auto m = views.meetings.find(it->second); m != views.meetings.end() && m->second.start == it->first)
        of_meeting(m->second);
    return;
  }
  if (only_member.empty()) {
    for (const auto& [id, m] : views.meetings) of_meeting(m);
    return;
  }
  // One member's: only the meetings they are listed in.
  if (auto ids = views.meetings_of_member.find(only_member); ids != views.meetings_of_member.end())
    for (const auto& id : ids->second)
      if (auto m = views.meetings.find(id); m != views.meetings.end()) of_meeting(m->second);
}

}  // namespace

std::vector<Reminder> pending_reminders(const Views& views, const std::vector<minutes>& offsets,
                                        const std::set<std::string>& fired, Timestamp now,
                                        const std::string& member_id) {
  std::vector<Reminder> out;
  each_reminder(views, offsets, fired, now, member_id, false, [&](Reminder r) { out.push_back(std::move(r)); });
  std::sort(out.begin(), out.end(), [](const Reminder& a, const Reminder& b) { return a.at < b.at; });
  return out;
}

std::vector<Reminder> due_reminders(const Views& views, const std::vector<minutes>& offsets,
                                    const std::set<std::string>& fired, Timestamp now) {
  std::vector<Reminder> out;
  each_reminder(views, offsets, fired, now, {}, true, [&](Reminder r) { out.push_back(std::move(r)); });
  return out;
}

Notification render_reminder(const Reminder& r, const Views& views, const RouteContext& ctx) {
  const Meeting& m = views.meetings.at(r.meeting_id);
  Audience a = audience_of(r.member_id, views, ctx, m.time_zone);
  auto v = venue_text(views, m.venue_id, a);
  Values values{
      {"meeting", pick(m.title, a)},
      {"start", ctx.messages.datetime(a.language, m.start, a.time_zone)},
      {"lead", ctx.messages.lead(a.language, r.offset)},
      {"venue", v},
      {"venue_part", v.empty() ? std::string{} : fill(ctx.messages.text(a.language, "venue_part"), {{"venue", v}})}};
  Message msg = ctx.messages.render(a.language, "meeting.reminder", values);
  Notification n;
  n.id = ctx.ids.next();
  n.member_id = r.member_id;
  n.kind = "meeting.reminder";
  n.title = std::move(msg.title);
  n.body = std::move(msg.body);
  n.language = a.language;
  n.created_at = ctx.now;
  n.cause_event_id = "reminder:" + r.key;
  n.cause_event_type = contract::kReminderDue;
  n.subject = "meeting/" + m.id;
  n.urgent = true;  // a reminder held back past its meeting would be useless
  n.deliver_after = ctx.now;
  n.reminder = r.key;
  return n;
}

std::optional<std::vector<minutes>> parse_offsets(std::string_view text) {
  std::vector<minutes> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.size() < 2) return std::nullopt;
    long long n = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size() - 1, n);
    if (ec != std::errc{} || p != part.data() + part.size() - 1 || n <= 0 || n > 100000) return std::nullopt;
    switch (part.back()) {
      case 'm':
        out.push_back(minutes(n));
        break;
      case 'h':
        out.push_back(minutes(n * 60));
        break;
      case 'd':
        out.push_back(minutes(n * 1440));
        break;
      default:
        return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace concord::notifications
