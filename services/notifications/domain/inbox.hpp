#pragma once
// The service's own state, folded from concord.notifications.v1: every member's inbox, what
// they have read, which reminders have fired, and their preferences. Pure.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/rendered_json.hpp"
#include "concord/core/time.hpp"
#include "notifications/domain/actor.hpp"
#include "notifications/domain/views.hpp"

namespace concord::notifications {

// The contract's names as the C strings the codecs and adapters take (each ends in NUL: they
// are literals).
inline constexpr const char* kTopic = contract::kTopic.data();
inline constexpr const char* kDeadLetterTopic = contract::kDeadLetterTopic.data();
inline constexpr const char* kCreated = contract::kNotificationCreated.data();
inline constexpr const char* kRead = contract::kNotificationRead.data();
inline constexpr const char* kPreferencesSet = contract::kPreferencesSet.data();

struct Notification {
  std::string id;
  std::string member_id;
  std::string kind;  // "meeting.scheduled", "meeting.reminder", ...
  std::string title;
  std::string body;
  std::string language;
  Timestamp created_at{};
  std::string cause_event_id;
  std::string cause_event_type;
  std::string subject;  // what it is about: "meeting/<id>", "document/<id>", "member/<id>"
  bool urgent = false;
  Timestamp deliver_after{};  // later than created_at when quiet hours hold it back
  std::string reminder;       // for reminders: the reminder's key (see reminders.hpp)
  std::optional<Timestamp> read_at;
  std::string inbox_key;    // its place in the member's inbox (Inbox::by_member), set by add()
  RenderedJson<> rendered;  // its JSON as the inbox shows it (not in the snapshot; evolve clears it)
};

nlohmann::json to_json(const Notification& n);  // the event's "notification" and the API item
std::optional<Notification> notification_of(const nlohmann::json& j);

struct QuietHours {
  int start_minute = 0;  // minutes after local midnight, in the member's zone
  int end_minute = 0;    // may be before start: the quiet time runs over midnight
};

struct Preferences {
  std::optional<std::string> language;   // overrides the member's notification_language
  std::optional<std::string> time_zone;  // overrides the member's time_zone
  std::optional<std::vector<std::string>> channels;
  std::optional<QuietHours> quiet_hours;
  // The daily e-mail digest: minutes after local midnight (the member's zone) at which the
  // day's held non-urgent e-mails go out as one; nullopt: every e-mail goes on its own.
  std::optional<int> digest_minute;
  long long version = 0;
};

nlohmann::json to_json(const Preferences& p);  // {language, time_zone, channels, quiet_hours {start, end} | null,
                                               // email_digest {time} | null, version}
Preferences preferences_of(const nlohmann::json& j);

// Whether `t` falls in the quiet hours seen from `zone`; if so, the first instant after them.
std::optional<Timestamp> quiet_until(const QuietHours& q, Timestamp t, const std::string& zone);

struct Inbox {
  std::map<std::string, Notification> notifications;  // by id
  // Member id → inbox_key → notification id, newest first: the member's inbox, whole and
  // unread only. A key is the notification's ordinal in its member's inbox, so every replica
  // replaying the member's partition gives it the same key, and a cursor means the same there.
  std::map<std::string, std::map<std::string, std::string>> by_member;
  std::map<std::string, std::map<std::string, std::string>> unread_by_member;
  // Unread notifications quiet hours held back, per member: the few the unread count must
  // check against the clock.
  std::map<std::string, std::set<std::string>> held_unread;
  std::set<std::string> fired_reminders;           // reminder keys already notified
  std::map<std::string, Preferences> preferences;  // by member id
};

// Applies one event of concord.notifications.v1 (the same function on replay and after each
// commit). Idempotent: a notification id already present is not added again.
void evolve(Inbox& inbox, const Incoming& event);
// Unread notifications of a member that are delivered by `now` (quiet hours no longer hold them).
long long unread_count(const Inbox& inbox, const std::string& member_id, Timestamp now);
// What evolve does for a notification.created event, from the notification itself (the
// processor applies what it has just committed without parsing it back).
void add(Inbox& inbox, Notification n);

// Whether the caller has an inbox to read at all: members (their own) and officers (anyone's);
// 403 otherwise.
Status may_read_inboxes(const Actor& actor);
// Whose inbox a request may see: a member their own (member_id absent or theirs), an officer or
// admin any member's (member_id required). 403 otherwise.
Result<std::string> inbox_owner(const Actor& actor, const std::optional<std::string>& member_id);

// One notification as the caller may see it: a member their own, an officer any; another
// member's (or an unknown id) is 404, so ids cannot be probed.
Result<const Notification*> visible_notification(const Inbox& inbox, const Actor& actor, const std::string& id);

// Marking a notification read: only its member may; another member's (or an unknown id) is 404,
// so ids cannot be probed. Already read: nothing to append (nullopt), the call is idempotent.
struct ReadMark {
  std::string notification_id;
  std::string member_id;
  Timestamp read_at{};
};
Result<std::optional<ReadMark>> decide_mark_read(const Inbox& inbox, const Actor& actor, const std::string& id,
                                                 Timestamp now);
nlohmann::json to_json(const ReadMark& r);

// Channels a member may choose: "inbox" (always kept: it is the record), "stream" (live push) and
// "email" (sent when the service has a mail server, CONCORD_SMTP_URL).
inline const std::vector<std::string_view> kChannels = {"inbox", "stream", "email"};
bool wants_stream(const Inbox& inbox, const std::string& member_id);

// Replacing a member's preferences: only the member themself; the result carries the next
// version. `expected_version` (from If-Match) must match the current one when given: 412.
Result<Preferences> decide_preferences(const Inbox& inbox, const Actor& actor, Preferences wanted,
                                       std::optional<long long> expected_version);
nlohmann::json preferences_set_data(const std::string& member_id, const Preferences& p);

}  // namespace concord::notifications
