#pragma once
// From events to notifications: who an event concerns, and what each of them is told, in their
// language and time zone. Reminders are derived from the meetings view: they need no events of
// their own, so they move with a meeting and vanish with it or with the member. Pure: the time
// and new ids come in through the context.
#include <chrono>
#include <string>
#include <vector>

#include "concord/core/id.hpp"
#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/inbox.hpp"
#include "notifications/domain/views.hpp"

namespace concord::notifications {

struct RouteContext {
  Timestamp now{};
  IdGenerator& ids;
  const Catalogues& messages;
  const std::map<std::string, Preferences>& preferences;  // by member id
};

// The member an event concerns, and how to speak to them.
struct Audience {
  std::string member_id;
  std::string language;            // one with a catalogue
  std::vector<std::string> reads;  // every language they read, best first (`language` first)
  std::string time_zone;           // IANA
  const Preferences* preferences = nullptr;
};
// Preferences first, then the member's own settings; the fallback zone (the meeting's) when the
// member's is unknown, else UTC.
Audience audience_of(const std::string& member_id, const Views& views, const RouteContext& ctx,
                     const std::string& fallback_zone);

// A notification's id, from what it is: the event that caused it, the member it is for, and its
// kind (an event tells one member one thing of a kind). Every replica that routes the event
// names the notification alike: a replica shows what it routed itself before the owner of the
// event's partition has recorded it (provisional.hpp), and the recorded one takes its place.
std::string notification_id(std::string_view cause_event_id, std::string_view member_id, std::string_view kind);

// The notifications `event` causes, rendered; their ids are notification_id()'s (ctx.ids' when
// the event has no id). `views` must hold what was known before the event (route first, then
// evolve the views with it). Withdrawn members are not notified.
std::vector<Notification> route(const Incoming& event, const Views& views, const RouteContext& ctx);

// Reminders: for each scheduled meeting, each active participant and each offset, one at
// start − offset. A reminder is due once now has passed its time and the meeting has not begun;
// its key names the meeting, the member, the offset and the start, so a moved meeting gets new
// reminders and one that has fired is never fired again (the inbox remembers fired keys).
struct Reminder {
  std::string key;
  std::string member_id;
  std::string meeting_id;
  std::chrono::minutes offset{};
  Timestamp at{};
  Timestamp meeting_start{};
};
std::string reminder_key(const std::string& meeting_id, const std::string& member_id, std::chrono::minutes offset,
                         Timestamp start);
// Not yet fired, meeting not yet begun (for one member, or everyone when member_id is empty).
std::vector<Reminder> pending_reminders(const Views& views, const std::vector<std::chrono::minutes>& offsets,
                                        const std::set<std::string>& fired, Timestamp now,
                                        const std::string& member_id = {});
// Pending and due now.
std::vector<Reminder> due_reminders(const Views& views, const std::vector<std::chrono::minutes>& offsets,
                                    const std::set<std::string>& fired, Timestamp now);
Notification render_reminder(const Reminder& reminder, const Views& views, const RouteContext& ctx);

// Parses CONCORD_REMINDER_OFFSETS ("24h,1h", "90m", "1d"); nullopt on anything else.
std::optional<std::vector<std::chrono::minutes>> parse_offsets(std::string_view text);

}  // namespace concord::notifications
