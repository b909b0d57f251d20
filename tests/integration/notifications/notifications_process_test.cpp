// concord-notifications as a real process: the Minsk/Bishkek scenario end to end on the broker,
// and SIGKILL in the middle of a burst of 1,000 events on the broker and on the file log, after
// which every expected notification is there exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "../../unit/notifications/contract_events.hpp"
#include "concord/core/id.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/kafka_log.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

const std::vector<events::TopicSpec> kSourceTopics = {
    {"concord.delegations.v1"}, {"concord.scheduling.v1"}, {"concord.documents.v1"}, {"concord.notifications.v1"}};

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

events::Event make_event(const std::string& type, nlohmann::json data) {
  events::Event e;
  e.id = new_uuid_v7();
  auto rest = type.substr(std::string("concord.").size());
  e.source = "/concord/" + rest.substr(0, rest.find('.'));
  e.type = type;
  e.subject = "test/" + e.id;
  e.time = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  e.sequence = 1;
  e.actor = "notifications-test";
  e.data = std::move(data);
  return e;
}

// Stands in for the scheduling, delegations and documents services: appends contract-shaped
// events to their topics.
class Writer {
 public:
  static std::unique_ptr<Writer> kafka() {
    auto brokers = kafka_brokers();
    if (!brokers) {
      ADD_FAILURE() << "KAFKA_BROKERS is not set: this test needs the real broker (tests/run.sh starts one; or "
                       "deploy/local/stack.sh start and export what it prints)";
      return nullptr;
    }
    events::KafkaOptions o;
    o.brokers = *brokers;
    o.transactional_id = "concord-notifications-test-" + new_uuid_v7();
    auto log = events::open_kafka_log(o);
    if (!log) {
      ADD_FAILURE() << log.error().detail;
      return nullptr;
    }
    return std::unique_ptr<Writer>(new Writer(std::move(*log)));
  }
  static std::unique_ptr<Writer> file(const std::filesystem::path& dir) {
    auto log = events::open_file_log({dir / "log"});
    if (!log) {
      ADD_FAILURE() << log.error().detail;
      return nullptr;
    }
    return std::unique_ptr<Writer>(new Writer(std::move(*log)));
  }

  std::string append(const std::string& topic, const std::string& key, const std::string& type, nlohmann::json data) {
    auto e = make_event(type, std::move(data));
    auto s = log_->append(topic, key, {e});
    EXPECT_TRUE(s) << (s ? "" : s.error().detail);
    return e.id;
  }
  Status append(const std::string& topic, const std::string& key, const std::vector<events::Event>& events) {
    return log_->append(topic, key, events);
  }
  // (cause event id, member id) → how many notification.created events the topic holds.
  std::map<std::pair<std::string, std::string>, int> created_on_topic(const std::set<std::string>& members) {
    std::map<std::pair<std::string, std::string>, int> out;
    auto s = log_->replay("concord.notifications.v1", [&](const events::Record& r) -> Status {
      if (r.event.type != "concord.notifications.notification.created") return {};
      const auto& n = r.event.data["notification"];
      std::string member = n["member_id"];
      if (members.contains(member)) ++out[{n["cause_event_id"].get<std::string>(), member}];
      return {};
    });
    EXPECT_TRUE(s) << (s ? "" : s.error().detail);
    return out;
  }

 private:
  explicit Writer(std::unique_ptr<events::EventLog> log) : log_(std::move(log)) {
    auto s = log_->ensure_topics(kSourceTopics);
    EXPECT_TRUE(s) << (s ? "" : s.error().detail);
  }
  std::unique_ptr<events::EventLog> log_;
};

struct Member {
  std::string id = new_uuid_v7();
  std::string delegation = new_uuid_v7();
  std::string language;
  std::string zone;
  std::string token() const { return token_for("user-" + id, {auth::Role::delegation_member}, id, delegation); }
};

// Every item of a member's inbox, following next_cursor.
nlohmann::json inbox_of(const ServiceProcess& p, const Member& m, const std::string& query = "") {
  nlohmann::json all = nlohmann::json::array();
  std::string cursor;
  for (;;) {
    auto r = p.call(http::Method::get, "/v1/inbox?limit=200" + query + (cursor.empty() ? "" : "&cursor=" + cursor),
                    m.token());
    if (r.status != 200) return all;
    for (auto& i : r.json["items"]) all.push_back(i);
    if (!r.json["next_cursor"].is_string()) return all;
    cursor = r.json["next_cursor"];
  }
}

long long count_of(const ServiceProcess& p, const Member& m) {
  auto r = p.call(http::Method::get, "/v1/inbox?limit=1", m.token());
  return r.status == 200 ? r.json["unread_count"].get<long long>() : -1;
}

std::vector<nlohmann::json> about(const nlohmann::json& items, const std::string& subject,
                                  const std::string& kind = "") {
  std::vector<nlohmann::json> out;
  for (const auto& i : items)
    if (i["subject"] == subject && (kind.empty() || i["kind"] == kind)) out.push_back(i);
  return out;
}

std::string in_days(int days, int hour_utc) {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  Timestamp t = today + std::chrono::days(days) + std::chrono::hours(hour_utc);
  return format_rfc3339_utc(t);
}

nlohmann::json meeting_of(const std::string& id, const std::string& start, const std::string& end,
                          const std::vector<Member>& who, long long version, const std::string& status = "scheduled") {
  std::vector<std::string> ids;
  for (const auto& m : who) ids.push_back(m.id);
  return contract::meeting(id, start, end, ids, version, status);
}

}  // namespace

TEST(NotificationsOnKafka, minsk_and_bishkek_members_learn_of_a_meeting_its_move_and_its_cancellation_once_each) {
  auto writer = Writer::kafka();
  ASSERT_TRUE(writer);
  TempDir dir;
  ServiceProcess service("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", process_env(dir.path(), true));
  ASSERT_TRUE(service.start()) << service.last_error();

  Member minsk{.language = "ru", .zone = "Europe/Minsk"};
  Member bishkek{.language = "en", .zone = "Asia/Bishkek"};
  for (const auto* m : {&minsk, &bishkek}) {
    auto snapshot = contract::member(m->id, m->delegation, m->language, m->zone);
    writer->append("concord.delegations.v1", m->delegation, "concord.delegations.member.added", {{"member", snapshot}});
    snapshot["accreditation"] = {{"status", "approved"}, {"badge_number", "B-1"}};
    snapshot["version"] = 2;
    writer->append("concord.delegations.v1", m->delegation, "concord.delegations.accreditation.approved",
                   {{"member", snapshot}, {"reason", nullptr}, {"badge_number", "B-1"}});
  }
  // The accreditation notices show the directory has both members.
  ASSERT_TRUE(wait_until([&] { return count_of(service, minsk) == 1 && count_of(service, bishkek) == 1; }, 90s))
      << service.log_tail();

  std::string meeting = new_uuid_v7(), visit = new_uuid_v7(), subject = "meeting/" + meeting;
  std::string start = in_days(10, 7), end = in_days(10, 8);
  auto scheduled = writer->append("concord.scheduling.v1", visit, "concord.scheduling.meeting.scheduled",
                                  {{"meeting", meeting_of(meeting, start, end, {minsk, bishkek}, 1)}});
  ASSERT_TRUE(wait_until([&] { return count_of(service, minsk) == 2 && count_of(service, bishkek) == 2; }, 30s));
  auto ru = about(inbox_of(service, minsk), subject);
  auto en = about(inbox_of(service, bishkek), subject);
  ASSERT_EQ(ru.size(), 1u);
  ASSERT_EQ(en.size(), 1u);
  EXPECT_EQ(ru[0]["language"], "ru");
  EXPECT_EQ(ru[0]["cause_event_id"], scheduled);
  EXPECT_NE(ru[0]["body"].get<std::string>().find("10:00 (Europe/Minsk, UTC+03:00)"), std::string::npos) << ru[0];
  EXPECT_EQ(en[0]["language"], "en");
  EXPECT_NE(en[0]["body"].get<std::string>().find("13:00 (Asia/Bishkek, UTC+06:00)"), std::string::npos) << en[0];
  auto reminders = service.call(http::Method::get, "/v1/reminders", minsk.token());
  ASSERT_EQ(reminders.status, 200);
  EXPECT_EQ(reminders.json["items"].size(), 2u);

  std::string new_start = in_days(10, 11), new_end = in_days(10, 12);
  writer->append("concord.scheduling.v1", visit, "concord.scheduling.meeting.rescheduled",
                 {{"meeting", meeting_of(meeting, new_start, new_end, {minsk, bishkek}, 2)},
                  {"previous_start", start},
                  {"previous_end", end}});
  ASSERT_TRUE(wait_until([&] { return count_of(service, minsk) == 3 && count_of(service, bishkek) == 3; }, 30s));
  auto moved = about(inbox_of(service, bishkek), subject, "meeting.rescheduled");
  ASSERT_EQ(moved.size(), 1u);
  auto body = moved[0]["body"].get<std::string>();
  EXPECT_NE(body.find("from " + start.substr(0, 10) + " 13:00 (Asia/Bishkek, UTC+06:00) to " + new_start.substr(0, 10) +
                      " 17:00 (Asia/Bishkek, UTC+06:00)"),
            std::string::npos)
      << body;
  auto moved_ru = about(inbox_of(service, minsk), subject, "meeting.rescheduled");
  ASSERT_EQ(moved_ru.size(), 1u);
  EXPECT_NE(
      moved_ru[0]["body"].get<std::string>().find("с " + start.substr(0, 10) + " 10:00 (Europe/Minsk, UTC+03:00) на"),
      std::string::npos)
      << moved_ru[0];

  writer->append("concord.scheduling.v1", visit, "concord.scheduling.meeting.cancelled",
                 {{"meeting", meeting_of(meeting, new_start, new_end, {minsk, bishkek}, 3, "cancelled")},
                  {"reason", "the delegation's flight is delayed"}});
  ASSERT_TRUE(wait_until([&] { return count_of(service, minsk) == 4 && count_of(service, bishkek) == 4; }, 30s));
  auto cancelled = about(inbox_of(service, bishkek), subject, "meeting.cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_NE(cancelled[0]["body"].get<std::string>().find("the delegation's flight is delayed"), std::string::npos);
  EXPECT_TRUE(service.call(http::Method::get, "/v1/reminders", minsk.token()).json["items"].empty());
  EXPECT_TRUE(service.call(http::Method::get, "/v1/reminders", bishkek.token()).json["items"].empty());

  // Nothing more trickles in, and the topic agrees with the inboxes: one per cause and member.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(about(inbox_of(service, minsk), subject).size(), 3u);
  EXPECT_EQ(about(inbox_of(service, bishkek), subject).size(), 3u);
  for (const auto& [key, n] : writer->created_on_topic({minsk.id, bishkek.id})) EXPECT_EQ(n, 1) << key.first;
  EXPECT_EQ(service.terminate(), 0);
}

namespace {

// 1,000 meeting.scheduled events, each for two of ten members: 2,000 notifications.
struct Burst {
  std::vector<Member> members = std::vector<Member>(10);
  std::vector<events::Event> events;
  std::set<std::pair<std::string, std::string>> expected;  // (cause event id, member id)

  Burst() {
    for (auto& m : members) {
      m.language = "en";
      m.zone = "Asia/Bishkek";
    }
    std::string start = in_days(30, 7), end = in_days(30, 8);
    for (int i = 0; i < 1000; ++i) {
      const auto& a = members[i % 10];
      const auto& b = members[(i + 1) % 10];
      auto e = make_event("concord.scheduling.meeting.scheduled",
                          {{"meeting", meeting_of(new_uuid_v7(), start, end, {a, b}, 1)}});
      expected.insert({e.id, a.id});
      expected.insert({e.id, b.id});
      events.push_back(std::move(e));
    }
  }
  std::set<std::string> member_ids() const {
    std::set<std::string> out;
    for (const auto& m : members) out.insert(m.id);
    return out;
  }
  long long total(const ServiceProcess& p) const {
    long long sum = 0;
    for (const auto& m : members) {
      auto n = count_of(p, m);
      if (n < 0) return -1;
      sum += n;
    }
    return sum;
  }
  // Appends events [from, to) in transactions of ten.
  void append(Writer& w, size_t from, size_t to) const {
    for (size_t i = from; i < to; i += 10) {
      std::vector<events::Event> chunk(events.begin() + static_cast<long>(i),
                                       events.begin() + static_cast<long>(std::min(to, i + 10)));
      auto s = w.append("concord.scheduling.v1", "visit-burst", chunk);
      ASSERT_TRUE(s) << s.error().detail;
    }
  }
  void expect_exactly_once(Writer& w, const ServiceProcess& p) const {
    auto on_topic = w.created_on_topic(member_ids());
    size_t duplicates = 0, missing = 0, unexpected = 0;
    for (const auto& key : expected) {
      auto it = on_topic.find(key);
      if (it == on_topic.end())
        ++missing;
      else if (it->second != 1)
        ++duplicates;
    }
    for (const auto& [key, n] : on_topic)
      if (!expected.contains(key)) unexpected += static_cast<size_t>(n);
    EXPECT_EQ(missing, 0u);
    EXPECT_EQ(duplicates, 0u);
    EXPECT_EQ(unexpected, 0u);
    for (const auto& m : members) {
      auto items = inbox_of(p, m);
      std::set<std::string> causes;
      for (const auto& i : items) causes.insert(i["cause_event_id"].get<std::string>());
      EXPECT_EQ(items.size(), 200u);
      EXPECT_EQ(causes.size(), items.size());
    }
  }
};

}  // namespace

TEST(NotificationsOnKafka, sigkill_in_the_middle_of_a_burst_of_1000_events_loses_and_duplicates_nothing) {
  auto writer = Writer::kafka();
  ASSERT_TRUE(writer);
  TempDir dir;
  auto env = process_env(dir.path(), true);
  env["CONCORD_NOTIFICATIONS_BATCH"] = "20";
  ServiceProcess service("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env);
  ASSERT_TRUE(service.start()) << service.last_error();
  Burst burst;
  for (const auto& m : burst.members)
    writer->append("concord.delegations.v1", m.delegation, "concord.delegations.member.added",
                   {{"member", contract::member(m.id, m.delegation, m.language, m.zone)}});

  std::atomic<bool> appended{false};
  std::thread producer([&] {
    burst.append(*writer, 0, 1000);
    appended = true;
  });
  // Killed once part of the burst is through, while the rest is still coming.
  bool started = wait_until([&] { return burst.total(service) > 0; }, 90s);
  long long at_kill = burst.total(service);
  service.kill9();
  producer.join();
  ASSERT_TRUE(started) << service.log_tail();
  EXPECT_LT(at_kill, 2000) << "the burst was through before the kill";
  ASSERT_TRUE(service.start()) << service.last_error();
  ASSERT_TRUE(wait_until([&] { return burst.total(service) >= 2000; }, 120s)) << burst.total(service) << "\n"
                                                                              << service.log_tail();
  std::this_thread::sleep_for(500ms);
  burst.expect_exactly_once(*writer, service);
  EXPECT_EQ(service.terminate(), 0);
}

TEST(NotificationsOnFileLog, sigkill_in_the_middle_of_a_burst_of_1000_events_loses_and_duplicates_nothing) {
  TempDir dir;
  Burst burst;
  {
    // The file log belongs to one process at a time: the burst is written before the service
    // starts, and it is killed while working through it in small steps.
    auto writer = Writer::file(dir.path());
    ASSERT_TRUE(writer);
    for (const auto& m : burst.members)
      writer->append("concord.delegations.v1", m.delegation, "concord.delegations.member.added",
                     {{"member", contract::member(m.id, m.delegation, m.language, m.zone)}});
    burst.append(*writer, 0, 1000);
  }
  auto env = process_env(dir.path(), false);
  env["CONCORD_NOTIFICATIONS_BATCH"] = "2";
  ServiceProcess service("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env);
  ASSERT_TRUE(service.start()) << service.last_error();
  ASSERT_TRUE(wait_until([&] { return burst.total(service) > 0; }, 30s)) << service.log_tail();
  long long at_kill = burst.total(service);
  service.kill9();
  EXPECT_LT(at_kill, 2000) << "the burst was through before the kill";
  ASSERT_TRUE(service.start()) << service.last_error();
  ASSERT_TRUE(wait_until([&] { return burst.total(service) >= 2000; }, 60s)) << service.log_tail();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(burst.total(service), 2000);
  EXPECT_EQ(service.terminate(), 0);
  auto writer = Writer::file(dir.path());
  ASSERT_TRUE(writer);
  auto on_topic = writer->created_on_topic(burst.member_ids());
  EXPECT_EQ(on_topic.size(), burst.expected.size());
  for (const auto& key : burst.expected) {
    auto it = on_topic.find(key);
    ASSERT_NE(it, on_topic.end());
    EXPECT_EQ(it->second, 1);
  }
}
