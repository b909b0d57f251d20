// concord-scheduling as a real process, on the file log and on the real Kafka broker: killed
// with SIGKILL and started again it serves the same venues, visits, meetings, programme and
// calendar, rebuilt from the log, and its conflict indexes still refuse what clashes. Members
// come from concord.delegations.v1, written here as the delegations service would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../unit/scheduling/delegation_events.hpp"
#include "concord/core/id.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/kafka_log.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::testing;
using http::Method;
using nlohmann::json;
namespace dlg = concord::testing::delegations;

namespace {

enum class LogKind { file, kafka };

std::string kind_name(const ::testing::TestParamInfo<LogKind>& info) {
  return info.param == LogKind::file ? "file_log" : "kafka";
}

class SchedulingRestart : public ::testing::TestWithParam<LogKind> {
 protected:
  void SetUp() override {
    if (GetParam() == LogKind::kafka && !kafka_brokers())
      FAIL() << "KAFKA_BROKERS is not set: this test needs the real Kafka broker. Start one with "
                "`deploy/local/stack.sh start` and export the KAFKA_BROKERS it prints (tests/run.sh does both).";
    process_ = std::make_unique<ServiceProcess>("concord-scheduling", "CONCORD_SCHEDULING_ADDR",
                                                process_env(data_.path(), GetParam() == LogKind::kafka));
    ASSERT_TRUE(process_->start()) << process_->last_error();
  }

  ServiceProcess::Reply call(Method m, const std::string& path, const json& body = nullptr, http::Headers h = {}) {
    return process_->call(m, path, token_, body, std::move(h));
  }

  // Appends to concord.delegations.v1 while the service is down (the file log is locked by the
  // process that has it open).
  void append_delegations(const std::vector<dlg::Made>& made) {
    std::unique_ptr<events::EventLog> log;
    if (GetParam() == LogKind::kafka) {
      auto opened = events::open_kafka_log(
          {.brokers = *kafka_brokers(), .transactional_id = "scheduling-test-delegations-" + new_uuid_v7()});
      ASSERT_TRUE(opened) << opened.error().detail;
      log = std::move(*opened);
    } else {
      auto opened = events::open_file_log({.directory = data_.path() / "log"});
      ASSERT_TRUE(opened) << opened.error().detail;
      log = std::move(*opened);
    }
    ASSERT_TRUE(log->ensure_topics({{"concord.delegations.v1"}}));
    for (const auto& m : made) {
      events::Event e;
      e.id = new_uuid_v7();
      e.source = "/concord/delegations";
      e.type = m.type;
      e.subject = m.subject;
      e.time = SystemClock{}.now();
      e.sequence = m.sequence;
      e.data = m.data;
      auto appended = log->append("concord.delegations.v1", m.key, {e});
      ASSERT_TRUE(appended) << appended.error().detail;
    }
  }

  json meeting(const std::string& start, const std::string& end, std::vector<std::string> who,
               const std::string& kind) {
    return {{"title", {{"en", "Talks"}, {"ru", "Переговоры"}}},
            {"kind", kind},
            {"start", start},
            {"end", end},
            {"venue_id", venue_},
            {"participants", who}};
  }

  TempDir data_;
  std::unique_ptr<ServiceProcess> process_;
  std::string token_ = officer_token();
  std::string venue_;
};

TEST_P(SchedulingRestart, killed_and_restarted_it_serves_the_same_programme_and_still_sees_conflicts) {
  auto venue = call(Method::post, "/v1/venues",
                    {{"name", "Ala-Archa residence"},
                     {"city", "Bishkek"},
                     {"time_zone", "Asia/Bishkek"},
                     {"capacity", 10},
                     {"buffer_minutes", 10}});
  ASSERT_EQ(venue.status, 201) << venue.body;
  venue_ = venue.json["id"].get<std::string>();
  auto visit = call(Method::post, "/v1/visits",
                    {{"title", {{"en", "Commission session in Bishkek"}}},
                     {"kind", "commission_session"},
                     {"host_country", "KG"},
                     {"guest_country", "BY"},
                     {"starts_on", "2025-09-28"},
                     {"ends_on", "2025-09-29"},
                     {"time_zone", "Asia/Bishkek"}});
  ASSERT_EQ(visit.status, 201) << visit.body;
  std::string visit_id = visit.json["id"];

  // The delegations arrive while the service is down: the restart must replay them.
  process_->kill9();
  std::string host = new_uuid_v7(), guest = new_uuid_v7(), hh = new_uuid_v7(), gh = new_uuid_v7(), hm = new_uuid_v7();
  append_delegations(
      {dlg::delegation_registered(host, visit_id, "host", hh, "KG"),
       dlg::delegation_registered(guest, visit_id, "guest", gh, "BY"),
       dlg::member_added({hh, host, visit_id, "Host Head", "head_of_government", true, {}, "Asia/Bishkek"}),
       dlg::member_added({gh, guest, visit_id, "Guest Head", "head_of_government", true}),
       dlg::member_added({hm, host, visit_id, "Host Minister", "minister", false, {}, "Asia/Bishkek"})});
  ASSERT_TRUE(process_->start()) << process_->last_error();

  auto tete = call(Method::post, "/v1/visits/" + visit_id + "/meetings",
                   meeting("2025-09-28T10:00:00+06:00", "2025-09-28T11:00:00+06:00", {gh, hh}, "tete_a_tete"));
  ASSERT_EQ(tete.status, 201) << tete.body;
  std::string tete_id = tete.json["id"];
  http::Headers if_match;
  if_match.set("If-Match", "\"1\"");
  auto moved = call(Method::patch, "/v1/meetings/" + tete_id,
                    {{"start", "2025-09-28T11:00:00+06:00"}, {"end", "2025-09-28T12:00:00+06:00"}}, if_match);
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto lunch = call(Method::post, "/v1/visits/" + visit_id + "/meetings",
                    meeting("2025-09-28T13:00:00+06:00", "2025-09-28T14:00:00+06:00", {hh, gh, hm}, "working_lunch"));
  ASSERT_EQ(lunch.status, 201) << lunch.body;
  std::string lunch_id = lunch.json["id"];
  ASSERT_EQ(call(Method::post, "/v1/meetings/" + lunch_id + "/cancel", {{"reason", "moved to the evening"}}).status,
            200);

  auto snapshot = [&] {
    return std::vector<std::string>{call(Method::get, "/v1/venues/" + venue_).body,
                                    call(Method::get, "/v1/visits/" + visit_id).body,
                                    call(Method::get, "/v1/meetings/" + tete_id).body,
                                    call(Method::get, "/v1/meetings/" + lunch_id).body,
                                    call(Method::get, "/v1/visits/" + visit_id + "/programme?tz=Europe/Minsk").body,
                                    call(Method::get, "/v1/visits/" + visit_id + "/programme.ics").body};
  };
  auto before = snapshot();
  EXPECT_THAT(before[4], ::testing::HasSubstr("Host Head"));
  EXPECT_THAT(before[5], ::testing::HasSubstr("STATUS:CANCELLED"));

  process_->kill9();
  ASSERT_TRUE(process_->start()) << process_->last_error();
  auto after = snapshot();
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(before[i], after[i]) << "response " << i << " changed";
  EXPECT_EQ(call(Method::get, "/v1/meetings/" + tete_id).headers.get("ETag").value_or(""), "\"2\"");

  // The indexes were rebuilt: the moved meeting still holds its slot (buffer included) and
  // its people; the cancelled one holds nothing.
  auto clash = call(Method::post, "/v1/visits/" + visit_id + "/meetings",
                    meeting("2025-09-28T11:50:00+06:00", "2025-09-28T12:30:00+06:00", {hh}, "press_statement"));
  ASSERT_EQ(clash.status, 409) << clash.body;
  std::vector<std::string> kinds;
  for (const auto& c : clash.json["conflicts"]) kinds.push_back(c["kind"].get<std::string>());
  EXPECT_THAT(kinds, ::testing::UnorderedElementsAre("venue_booked", "participant_double_booked"));
  EXPECT_EQ(call(Method::post, "/v1/visits/" + visit_id + "/meetings",
                 meeting("2025-09-28T13:00:00+06:00", "2025-09-28T14:00:00+06:00", {hh, gh, hm}, "working_lunch"))
                .status,
            201);
}

INSTANTIATE_TEST_SUITE_P(Logs, SchedulingRestart, ::testing::Values(LogKind::file, LogKind::kafka), kind_name);

}  // namespace
