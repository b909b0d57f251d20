#include "notifications/domain/email.hpp"

#include <algorithm>
#include <cstdio>

#include "concord/core/ics.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/crypto/crypto.hpp"

namespace concord::notifications {

using namespace json_read;
using nlohmann::json;

namespace {

json time_or_null(const std::optional<Timestamp>& t) {
  return t ? json(format_rfc3339_utc(*t)) : json(nullptr);
}

std::string pick(const Localized& texts, const std::string& language) {
  if (auto it = texts.find(language); it != texts.end()) return it->second;
  if (auto it = texts.find("en"); it != texts.end()) return it->second;
  return texts.empty() ? std::string{} : texts.begin()->second;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Header values are ours, but texts come from officers: no line break may end a header early.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string meeting_id_of(const std::string& subject) {
  return subject.rfind("meeting/", 0) == 0 ? subject.substr(8) : std::string{};
}

}  // namespace

json to_json(const Email& e) {
  json j = {{"id", e.id},
            {"message_id_domain", e.message_id.substr(e.message_id.find('@') + 1)},
            {"member_id", e.member_id},
            {"kind", e.kind},
            {"language", e.language},
            {"subject", e.subject},
            {"text", e.text},
            {"urgent", e.urgent},
            {"queued_at", format_rfc3339_utc(e.queued_at)},
            {"not_before", format_rfc3339_utc(e.not_before)},
            {"digest", e.digest},
            {"includes", e.includes},
            {"invitation", nullptr}};
  if (e.invitation) {
    const auto& i = *e.invitation;
    j["invitation"] = {{"method", i.method},
                       {"uid", i.uid},
                       {"sequence", i.sequence},
                       {"start", format_rfc3339_utc(i.start)},
                       {"end", format_rfc3339_utc(i.end)},
                       {"summary", i.summary},
                       {"location", i.location},
                       {"time_zone", i.time_zone}};
  }
  return j;
}

std::optional<Email> email_of(const json& j) {
  Email e;
  e.id = str(j, "id");
  std::string domain = str(j, "message_id_domain");
  e.member_id = str(j, "member_id");
  auto queued = time(j, "queued_at");
  if (e.id.empty() || domain.empty() || e.member_id.empty() || !queued) return std::nullopt;
  e.message_id = e.id + "@" + domain;
  e.queued_at = *queued;
  e.not_before = time(j, "not_before").value_or(e.queued_at);
  e.kind = str(j, "kind");
  e.language = str(j, "language");
  e.subject = str(j, "subject");
  e.text = str(j, "text");
  e.urgent = j.contains("urgent") && j["urgent"].is_boolean() && j["urgent"].get<bool>();
  e.digest = j.contains("digest") && j["digest"].is_boolean() && j["digest"].get<bool>();
  e.includes = strings(j, "includes");
  if (e.digest) e.status = "held";
  if (j.contains("invitation") && j["invitation"].is_object()) {
    const auto& i = j["invitation"];
    auto start = time(i, "start");
    auto end = time(i, "end");
    if (start && end)
      e.invitation = Invitation{str(i, "method"),  str(i, "uid"),      num(i, "sequence"), *start, *end,
                                str(i, "summary"), str(i, "location"), str(i, "time_zone")};
  }
  e.updated_at = e.queued_at;
  return e;
}

json delivery_json(const Email& e) {
  return {{"id", e.id},
          {"message_id", e.message_id},
          {"member_id", e.member_id},
          {"kind", e.kind},
          {"subject", e.subject},
          {"status", e.status},
          {"attempts", e.attempts},
          {"last_code", e.last_code == 0 ? json(nullptr) : json(e.last_code)},
          {"last_error", e.last_error.empty() ? json(nullptr) : json(e.last_error)},
          {"queued_at", format_rfc3339_utc(e.queued_at)},
          {"not_before", format_rfc3339_utc(e.not_before)},
          {"next_attempt_at", time_or_null(e.next_attempt_at)},
          {"updated_at", format_rfc3339_utc(e.updated_at)},
          {"invitation", e.invitation ? json(e.invitation->method) : json(nullptr)},
          {"digest_id", e.digest_id.empty() ? json(nullptr) : json(e.digest_id)}};
}

void evolve(Emails& s, const Incoming& ev) {
  if (!ev.type.starts_with(contract::kEmailPrefix) || !ev.data.is_object()) return;
  const auto& d = ev.data;
  if (ev.type == kEmailQueued) {
    if (!d.contains("message")) return;
    auto e = email_of(d["message"]);
    if (!e || s.by_id.contains(e->id)) return;
    SortKey key;
    key.add(-static_cast<std::int64_t>(e->queued_at.time_since_epoch().count())).add(e->id);  // newest first
    s.by_member[e->member_id][key.str()] = e->id;
    // A digest takes its held e-mails with it: they are never sent on their own, nor twice.
    for (const auto& id : e->includes) {
      auto held = s.by_id.find(id);
      if (held == s.by_id.end() || !held->second.digest || !held->second.digest_id.empty()) continue;
      held->second.digest_id = e->id;
      held->second.status = "in_digest";
      held->second.updated_at = e->queued_at;
      s.held[held->second.member_id].erase(id);
    }
    if (e->digest)
      s.held[e->member_id].insert(e->id);
    else
      s.pending.insert(e->id);
    s.by_id.emplace(e->id, std::move(*e));
    return;
  }
  if (ev.type == kEmailAddressFailing) {
    FailingAddress f{str(d, "member_id"), str(d, "address_digest"), str(d, "reason"), str(d, "email_id"), ev.time};
    if (f.member_id.empty()) return;
    s.address_versions[f.member_id] += 1;
    s.failing[f.member_id] = std::move(f);
    return;
  }
  auto it = s.by_id.find(str(d, "id"));
  if (it == s.by_id.end()) return;
  Email& e = it->second;
  int attempts = static_cast<int>(num(d, "attempts", e.attempts));
  if (attempts < e.attempts) return;  // an older record seen again
  e.attempts = attempts;
  e.last_code = static_cast<int>(num(d, "last_code", 0));
  e.last_error = str(d, "last_error");
  e.next_attempt_at = time(d, "next_attempt_at");
  e.updated_at = ev.time;
  if (ev.type == kEmailSent) {
    e.status = "sent";
    e.next_attempt_at.reset();
    s.pending.erase(e.id);
    // Delivered to the address that had failed: it works again.
    auto f = s.failing.find(e.member_id);
    if (f != s.failing.end() && f->second.address_digest == str(d, "address_digest")) s.failing.erase(f);
  } else if (ev.type == kEmailDeadLettered) {
    e.status = "dead_lettered";
    e.next_attempt_at.reset();
    s.pending.erase(e.id);
  }
}

bool wants_email(const Views& views, const std::map<std::string, Preferences>& preferences,
                 const std::string& member_id) {
  if (auto p = preferences.find(member_id); p != preferences.end() && p->second.channels)
    return contains(*p->second.channels, "email");
  auto m = views.members.find(member_id);
  return m != views.members.end() && contains(m->second.channels, "email");
}

std::optional<Email> email_for(const Notification& n, const Views& views,
                               const std::map<std::string, Preferences>& preferences, const Catalogues& messages,
                               const std::string& message_domain) {
  if (!wants_email(views, preferences, n.member_id)) return std::nullopt;
  Email e;
  e.id = n.id;
  e.message_id = n.id + "@" + message_domain;
  e.member_id = n.member_id;
  e.kind = n.kind;
  e.language = n.language;
  e.subject = n.title;
  e.urgent = n.urgent;
  e.queued_at = n.created_at;
  e.not_before = n.deliver_after;
  e.updated_at = n.created_at;
  auto prefs = preferences.find(n.member_id);
  bool digest_on = prefs != preferences.end() && prefs->second.digest_minute;

  std::string method;
  if (n.kind == "meeting.scheduled" || n.kind == "meeting.rescheduled" || n.kind == "meeting.venue_changed" ||
      n.kind == "meeting.participant_added")
    method = "REQUEST";
  else if (n.kind == "meeting.cancelled" || n.kind == "meeting.participant_removed")
    method = "CANCEL";
  std::string text = n.body;
  if (!method.empty()) {
    auto m = views.meetings.find(meeting_id_of(n.subject));
    if (m != views.meetings.end()) {
      const Meeting& meeting = m->second;
      Invitation inv;
      inv.method = method;
      inv.uid = meeting.id + "@concord";
      inv.sequence = std::max(0LL, meeting.version - 1);
      inv.start = meeting.start;
      inv.end = meeting.end;
      inv.summary = pick(meeting.title, n.language);
      if (auto v = views.venues.find(meeting.venue_id); v != views.venues.end()) {
        inv.location = pick(v->second.name, n.language);
        if (!v->second.city.empty()) inv.location += inv.location.empty() ? v->second.city : ", " + v->second.city;
      }
      std::string zone;
      if (auto member = views.members.find(n.member_id); member != views.members.end()) zone = member->second.time_zone;
      if (auto p = preferences.find(n.member_id); p != preferences.end() && p->second.time_zone)
        zone = *p->second.time_zone;
      if (zone.empty() || !is_known_time_zone(zone)) zone = meeting.time_zone;
      inv.time_zone = zone;
      Values when{{"start", messages.datetime(n.language, meeting.start, zone)},
                  {"end", messages.datetime(n.language, meeting.end, zone)}};
      text += "\n\n" +
              fill(messages.text(n.language, method == "REQUEST" ? "email_invitation" : "email_cancellation"), when);
      e.invitation = std::move(inv);
    }
  }
  text += "\n\n-- \n" + messages.text(n.language, "email_footer");
  e.text = std::move(text);
  // Invitations still go at once: they keep the member's calendar right (see the README).
  if (digest_on && !n.urgent && !e.invitation) {
    e.digest = true;
    e.status = "held";
  }
  return e;
}

std::string invitation_ics(const Invitation& inv, Timestamp stamp, const std::string& organizer,
                           const std::string& attendee) {
  ics::Writer w;
  w.line("BEGIN", "VCALENDAR");
  w.line("VERSION", "2.0");
  w.line("PRODID", "-//Concord//Notifications//EN");
  w.line("CALSCALE", "GREGORIAN");
  w.line("METHOD", inv.method);
  w.line("BEGIN", "VEVENT");
  w.line("UID", inv.uid);
  w.line("SEQUENCE", std::to_string(inv.sequence));
  w.line("DTSTAMP", ics::utc(stamp));
  w.line("DTSTART", ics::utc(inv.start));
  w.line("DTEND", ics::utc(inv.end));
  w.line("SUMMARY", ics::escape(inv.summary));
  if (!inv.location.empty()) w.line("LOCATION", ics::escape(inv.location));
  w.line("STATUS", inv.method == "CANCEL" ? "CANCELLED" : "CONFIRMED");
  w.line("ORGANIZER;CN=Concord", "mailto:" + organizer);
  w.line("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE", "mailto:" + attendee);
  w.line("END", "VEVENT");
  w.line("END", "VCALENDAR");
  return w.take();
}

std::string base64_lines(std::string_view bytes) {
  std::string b = crypto::base64_encode(bytes);
  std::string out;
  for (size_t i = 0; i < b.size(); i += 76) {
    out.append(b, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string encode_header_words(std::string_view text) {
  std::string t = one_line(text);
  if (is_ascii(t)) return t;
  // Encoded words of 39 bytes of UTF-8 (52 characters of base64, 64 with "=?UTF-8?B?" and
  // "?="), so that even the first line, after "Subject: ", stays within 78 characters. A
  // character is never split between words.
  std::string out;
  std::string_view rest = t;
  while (!rest.empty()) {
    size_t cut = std::min<size_t>(39, rest.size());
    while (cut < rest.size() && cut > 0 && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80) --cut;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::base64_encode(rest.substr(0, cut)) + "?=";
    rest.remove_prefix(cut);
  }
  return out;
}

std::string rfc5322_date(Timestamp t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::weekday wd{day};
  auto secs = std::chrono::floor<std::chrono::seconds>(t - day).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02lld:%02lld:%02lld +0000", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

std::string compose_mime(const Email& e, const std::string& from, const std::string& to) {
  // The boundary comes from the e-mail's id: the same message has the same bytes every time.
  std::string boundary = "=_concord_" + e.id;
  std::string html = "<!DOCTYPE html>\r\n<html lang=\"" + html_escape(e.language) +
                     "\"><head><meta charset=\"utf-8\"><title>" + html_escape(e.subject) +
                     "</title></head><body>\r\n<h1 style=\"font-size:1.2em\">" + html_escape(e.subject) + "</h1>\r\n";
  {
    std::string para;
    auto flush = [&] {
      if (para.empty()) return;
      html += "<p>" + para + "</p>\r\n";
      para.clear();
    };
    size_t start = 0;
    while (start <= e.text.size()) {
      size_t nl = e.text.find('\n', start);
      std::string_view line(e.text.data() + start, (nl == std::string::npos ? e.text.size() : nl) - start);
      if (line.empty())
        flush();
      else
        para += (para.empty() ? "" : "<br>") + html_escape(line);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    flush();
  }
  html += "</body></html>\r\n";

  auto crlf = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == '\r') continue;
      if (c == '\n')
        out += "\r\n";
      else
        out += c;
    }
    return out;
  };

  std::string m;
  m += "From: Concord <" + one_line(from) + ">\r\n";
  m += "To: <" + one_line(to) + ">\r\n";
  m += "Subject: " + encode_header_words(e.subject) + "\r\n";
  m += "Date: " + rfc5322_date(e.queued_at) + "\r\n";
  m += "Message-ID: <" + one_line(e.message_id) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Language: " + one_line(e.language) + "\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  if (e.urgent) m += "Importance: high\r\n";
  m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  auto part = [&](const std::string& type, const std::string& body) {
    m += "--" + boundary + "\r\n";
    m += "Content-Type: " + type + "\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += base64_lines(body);
  };
  part("text/plain; charset=UTF-8", crlf(e.text) + "\r\n");
  part("text/html; charset=UTF-8", html);
  if (e.invitation) {
    part("text/calendar; charset=UTF-8; method=" + e.invitation->method,
         invitation_ics(*e.invitation, e.queued_at, from, to));
  }
  m += "--" + boundary + "--\r\n";
  return m;
}

SendOutcome classify_send(bool transfer_ok, int smtp_code, bool auth_refused, const std::string& error) {
  SendOutcome o;
  o.code = smtp_code;
  if (transfer_ok) {
    o.sent = true;
    return o;
  }
  o.permanent = smtp_code >= 500 && smtp_code < 600 && !auth_refused;
  o.error = error;
  return o;
}

}  // namespace concord::notifications
