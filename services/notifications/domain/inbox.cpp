#include "notifications/domain/inbox.hpp"

#include <algorithm>
#include <cstdio>

#include "concord/core/sort_key.hpp"

namespace concord::notifications {

using namespace json_read;

nlohmann::json to_json(const Notification& n) {
  nlohmann::json j = {{"id", n.id},
                      {"member_id", n.member_id},
                      {"kind", n.kind},
                      {"title", n.title},
                      {"body", n.body},
                      {"language", n.language},
                      {"created_at", format_rfc3339_utc(n.created_at)},
                      {"cause_event_id", n.cause_event_id},
                      {"cause_event_type", n.cause_event_type},
                      {"subject", n.subject},
                      {"urgent", n.urgent},
                      {"deliver_after", format_rfc3339_utc(n.deliver_after)}};
  if (!n.reminder.empty()) j["reminder"] = n.reminder;
  return j;
}

std::optional<Notification> notification_of(const nlohmann::json& j) {
  Notification n;
  n.id = str(j, "id");
  n.member_id = str(j, "member_id");
  auto created = time(j, "created_at");
  if (n.id.empty() || n.member_id.empty() || !created) return std::nullopt;
  n.created_at = *created;
  n.kind = str(j, "kind");
  n.title = str(j, "title");
  n.body = str(j, "body");
  n.language = str(j, "language");
  n.cause_event_id = str(j, "cause_event_id");
  n.cause_event_type = str(j, "cause_event_type");
  n.subject = str(j, "subject");
  n.urgent = j.contains("urgent") && j["urgent"].is_boolean() && j["urgent"].get<bool>();
  n.deliver_after = time(j, "deliver_after").value_or(n.created_at);
  n.reminder = str(j, "reminder");
  return n;
}

nlohmann::json to_json(const Preferences& p) {
  nlohmann::json j = {{"language", p.language ? nlohmann::json(*p.language) : nlohmann::json(nullptr)},
                      {"time_zone", p.time_zone ? nlohmann::json(*p.time_zone) : nlohmann::json(nullptr)},
                      {"channels", p.channels ? nlohmann::json(*p.channels) : nlohmann::json(nullptr)},
                      {"quiet_hours", nullptr},
                      {"version", p.version}};
  if (p.quiet_hours) {
    char start[16], end[16];
    std::snprintf(start, sizeof start, "%02d:%02d", p.quiet_hours->start_minute / 60, p.quiet_hours->start_minute % 60);
    std::snprintf(end, sizeof end, "%02d:%02d", p.quiet_hours->end_minute / 60, p.quiet_hours->end_minute % 60);
    j["quiet_hours"] = {{"start", start}, {"end", end}};
  }
  j["email_digest"] = nullptr;
  if (p.digest_minute) {
    char time[16];
    std::snprintf(time, sizeof time, "%02d:%02d", *p.digest_minute / 60, *p.digest_minute % 60);
    j["email_digest"] = {{"time", time}};
  }
  return j;
}

namespace {

std::optional<int> minute_of_day(const std::string& hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (hhmm[i] < '0' || hhmm[i] > '9') return std::nullopt;
  int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

Preferences preferences_of(const nlohmann::json& j) {
  Preferences p;
  if (auto v = str(j, "language"); !v.empty()) p.language = v;
  if (auto v = str(j, "time_zone"); !v.empty()) p.time_zone = v;
  if (j.contains("channels") && j["channels"].is_array()) p.channels = strings(j, "channels");
  if (j.contains("quiet_hours") && j["quiet_hours"].is_object()) {
    auto s = minute_of_day(str(j["quiet_hours"], "start"));
    auto e = minute_of_day(str(j["quiet_hours"], "end"));
    if (s && e) p.quiet_hours = QuietHours{*s, *e};
  }
  if (j.contains("email_digest") && j["email_digest"].is_object())
    p.digest_minute = minute_of_day(str(j["email_digest"], "time"));
  p.version = num(j, "version");
  return p;
}

std::optional<Timestamp> quiet_until(const QuietHours& q, Timestamp t, const std::string& zone) {
  if (q.start_minute == q.end_minute) return std::nullopt;
  std::string z = zone.empty() || !is_known_time_zone(zone) ? "UTC" : zone;
  auto day = local_day(t, z);
  auto local = to_local(t, z);
  if (!day || !local) return std::nullopt;
  int now_min = std::stoi(local->clock.substr(0, 2)) * 60 + std::stoi(local->clock.substr(3, 2));
  bool overnight = q.start_minute > q.end_minute;
  bool quiet = overnight ? (now_min >= q.start_minute || now_min < q.end_minute)
                         : (now_min >= q.start_minute && now_min < q.end_minute);
  if (!quiet) return std::nullopt;
  Days end_day = *day;
  if (overnight && now_min >= q.start_minute) end_day += std::chrono::days(1);
  auto end = from_local(end_day, std::chrono::minutes(q.end_minute), z);
  if (!end || *end <= t) return std::nullopt;
  return *end;
}

void evolve(Inbox& inbox, const Incoming& e) {
  if (!e.data.is_object()) return;
  if (e.type == kCreated) {
    if (!e.data.contains("notification")) return;
    auto n = notification_of(e.data["notification"]);
    if (n) add(inbox, std::move(*n));
  } else if (e.type == kRead) {
    auto it = inbox.notifications.find(str(e.data, "notification_id"));
    auto at = time(e.data, "read_at");
    if (it != inbox.notifications.end() && at && !it->second.read_at) {
      auto& n = it->second;
      n.read_at = *at;
      n.rendered.clear();
      inbox.unread_by_member[n.member_id].erase(n.inbox_key);
      if (auto held = inbox.held_unread.find(n.member_id); held != inbox.held_unread.end()) held->second.erase(n.id);
    }
  } else if (e.type == kPreferencesSet) {
    auto member = str(e.data, "member_id");
    if (member.empty() || !e.data.contains("preferences")) return;
    inbox.preferences[member] = preferences_of(e.data["preferences"]);
  }
}

void add(Inbox& inbox, Notification n) {
  if (inbox.notifications.contains(n.id)) return;
  if (!n.reminder.empty()) inbox.fired_reminders.insert(n.reminder);
  auto& all = inbox.by_member[n.member_id];
  n.inbox_key = SortKey().add(-static_cast<std::int64_t>(all.size())).str();
  all.emplace(n.inbox_key, n.id);
  if (!n.read_at) {
    inbox.unread_by_member[n.member_id].emplace(n.inbox_key, n.id);
    if (n.deliver_after > n.created_at) inbox.held_unread[n.member_id].insert(n.id);
  }
  std::string id = n.id;
  inbox.notifications.emplace(std::move(id), std::move(n));
}

long long unread_count(const Inbox& inbox, const std::string& member_id, Timestamp now) {
  auto unread = inbox.unread_by_member.find(member_id);
  if (unread == inbox.unread_by_member.end()) return 0;
  auto count = static_cast<long long>(unread->second.size());
  if (auto held = inbox.held_unread.find(member_id); held != inbox.held_unread.end())
    for (const auto& id : held->second)
      if (inbox.notifications.at(id).deliver_after > now) --count;
  return count;
}

Status may_read_inboxes(const Actor& actor) {
  if (actor.officer || actor.member_id) return {};
  return fail(Error::forbidden("only delegation members have an inbox"));
}

Result<std::string> inbox_owner(const Actor& actor, const std::optional<std::string>& member_id) {
  if (auto ok = may_read_inboxes(actor); !ok) return fail(ok.error());
  if (actor.officer) {
    if (member_id) return *member_id;
    if (actor.member_id) return *actor.member_id;
    return fail(Error::validation("/member_id", "say whose inbox: ?member_id=<member id>"));
  }
  if (member_id && *member_id != *actor.member_id)
    return fail(Error::forbidden("a member sees only their own notifications"));
  return *actor.member_id;
}

Result<const Notification*> visible_notification(const Inbox& inbox, const Actor& actor, const std::string& id) {
  if (auto ok = may_read_inboxes(actor); !ok) return fail(ok.error());
  auto it = inbox.notifications.find(id);
  if (it == inbox.notifications.end() || (!actor.officer && it->second.member_id != *actor.member_id))
    return fail(Error::not_found("no notification " + id + " in your inbox"));
  return &it->second;
}

Result<std::optional<ReadMark>> decide_mark_read(const Inbox& inbox, const Actor& actor, const std::string& id,
                                                 Timestamp now) {
  if (!actor.member_id) return fail(Error::forbidden("only the member a notification is for can mark it read"));
  auto it = inbox.notifications.find(id);
  if (it == inbox.notifications.end() || it->second.member_id != *actor.member_id)
    return fail(Error::not_found("no notification " + id + " in your inbox"));
  if (it->second.read_at) return std::optional<ReadMark>{};
  return std::optional<ReadMark>{ReadMark{id, it->second.member_id, now}};
}

nlohmann::json to_json(const ReadMark& r) {
  return {
      {"notification_id", r.notification_id}, {"member_id", r.member_id}, {"read_at", format_rfc3339_utc(r.read_at)}};
}

bool wants_stream(const Inbox& inbox, const std::string& member_id) {
  auto it = inbox.preferences.find(member_id);
  if (it == inbox.preferences.end() || !it->second.channels) return true;
  const auto& c = *it->second.channels;
  return std::find(c.begin(), c.end(), "stream") != c.end();
}

Result<Preferences> decide_preferences(const Inbox& inbox, const Actor& actor, Preferences wanted,
                                       std::optional<long long> expected_version) {
  if (!actor.member_id) return fail(Error::forbidden("only a delegation member sets their own preferences"));
  long long current = 0;
  if (auto it = inbox.preferences.find(*actor.member_id); it != inbox.preferences.end()) current = it->second.version;
  if (expected_version && *expected_version != current)
    return fail(Error::precondition_failed(
        "the preferences have changed since they were read: they are now at version " + std::to_string(current)));
  wanted.version = current + 1;
  return wanted;
}

nlohmann::json preferences_set_data(const std::string& member_id, const Preferences& p) {
  return {{"member_id", member_id}, {"preferences", to_json(p)}};
}

}  // namespace concord::notifications
