#include "notifications/domain/digest.hpp"

#include <algorithm>

namespace concord::notifications {

namespace {

std::vector<const Email*> held_oldest_first(const Emails& emails, const std::string& member_id) {
  std::vector<const Email*> out;
  auto it = emails.held.find(member_id);
  if (it == emails.held.end()) return out;
  for (const auto& id : it->second)
    if (auto e = emails.by_id.find(id); e != emails.by_id.end()) out.push_back(&e->second);
  std::sort(out.begin(), out.end(), [](const Email* a, const Email* b) {
    return a->queued_at != b->queued_at ? a->queued_at < b->queued_at : a->id < b->id;
  });
  return out;
}

// A held e-mail's text without its footer (the digest has its own).
std::string without_footer(const std::string& text) {
  auto cut = text.rfind("\n\n-- \n");
  return cut == std::string::npos ? text : text.substr(0, cut);
}

}  // namespace

std::optional<DigestDue> digest_due(const Emails& emails, const std::string& member_id,
                                    std::optional<int> digest_minute, const std::string& zone, Timestamp now) {
  auto held = held_oldest_first(emails, member_id);
  if (held.empty()) return std::nullopt;
  DigestDue due;
  due.member_id = member_id;
  if (!digest_minute) {
    // Turned off: the held e-mails go now. The oldest one names this last digest.
    due.id = "digest-" + member_id + "-" + held.front()->id;
  } else {
    std::string z = zone.empty() || !is_known_time_zone(zone) ? "UTC" : zone;
    auto today = local_day(now, z);
    if (!today) return std::nullopt;
    Days day = *today;
    auto slot = from_local(day, std::chrono::minutes(*digest_minute), z);
    if (!slot) return std::nullopt;
    if (*slot > now) {
      day -= std::chrono::days(1);
      slot = from_local(day, std::chrono::minutes(*digest_minute), z);
      if (!slot) return std::nullopt;
    }
    // Only what was held by that digest time makes it due; later e-mails wait for the next one.
    if (held.front()->queued_at > *slot) return std::nullopt;
    due.id = "digest-" + member_id + "-" + format_date(day);
  }
  if (emails.by_id.contains(due.id)) return std::nullopt;
  for (const Email* e : held) due.held.push_back(e->id);
  return due;
}

Email digest_email(const DigestDue& due, const Emails& emails, const std::string& language, const std::string& zone,
                   const Catalogues& messages, const std::string& message_domain, Timestamp now) {
  Email d;
  d.id = due.id;
  d.message_id = due.id + "@" + message_domain;
  d.member_id = due.member_id;
  d.kind = "digest";
  d.language = language;
  d.subject = messages.counted(language, "email_digest_title", static_cast<long long>(due.held.size()));
  d.queued_at = now;
  d.not_before = now;
  d.updated_at = now;
  d.includes = due.held;
  std::string text = messages.text(language, "email_digest_intro");
  int number = 0;
  for (const auto& id : due.held) {
    auto it = emails.by_id.find(id);
    if (it == emails.by_id.end()) continue;
    const Email& e = it->second;
    text += "\n\n" + std::to_string(++number) + ". " + e.subject + "\n" +
            messages.datetime(language, e.queued_at, zone) + "\n" + without_footer(e.text);
  }
  text += "\n\n-- \n" + messages.text(language, "email_digest_footer");
  d.text = std::move(text);
  return d;
}

}  // namespace concord::notifications
