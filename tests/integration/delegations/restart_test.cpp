// concord-delegations as a real process, on the file log and on the real Kafka broker: killed
// with SIGKILL and started again it serves the same state, rebuilt from the log; an officer
// still reads every member's contact and travel; a consumer reading concord.delegations.v1
// from the beginning sees every change in order and no contact or travel data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "concord/core/id.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/kafka_log.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::testing;
using http::Method;
using nlohmann::json;

namespace {

enum class LogKind { file, kafka };

std::string kind_name(const ::testing::TestParamInfo<LogKind>& info) {
  return info.param == LogKind::file ? "file_log" : "kafka";
}

const std::vector<std::string> kSecrets = {"aibek@mfa.kg", "+996312620545", "bolot@mfa.kg",
                                           "KC 109",       "Hyatt Regency", "FRU"};

class DelegationsRestart : public ::testing::TestWithParam<LogKind> {
 protected:
  void SetUp() override {
    if (GetParam() == LogKind::kafka && !kafka_brokers())
      FAIL() << "KAFKA_BROKERS is not set: this test needs the real Kafka broker. Start one with "
                "`deploy/local/stack.sh start` and export the KAFKA_BROKERS it prints (tests/run.sh does both).";
    process_ = std::make_unique<ServiceProcess>("concord-delegations", "CONCORD_DELEGATIONS_ADDR",
                                                process_env(data_.path(), GetParam() == LogKind::kafka));
    ASSERT_TRUE(process_->start()) << process_->last_error();
    // A visit of its own: on a shared broker the topic holds other runs' delegations too.
    visit_ = new_uuid_v7();
  }

  ServiceProcess::Reply call(Method m, const std::string& path, const json& body = nullptr) {
    return process_->call(m, path, token_, body);
  }

  // Replays concord.delegations.v1 from the beginning as an outside consumer would.
  std::vector<events::Record> public_records(const std::vector<std::string>& keys) {
    std::vector<events::Record> out;
    std::unique_ptr<events::EventLog> log;
    if (GetParam() == LogKind::kafka) {
      events::KafkaOptions options{.brokers = *kafka_brokers(),
                                   .transactional_id = "delegations-test-reader-" + new_uuid_v7()};
      auto opened = events::open_kafka_log(options);
      EXPECT_TRUE(opened) << opened.error().detail;
      if (!opened) return out;
      log = std::move(*opened);
    } else {
      auto opened = events::open_file_log({.directory = data_.path() / "log"});
      EXPECT_TRUE(opened) << opened.error().detail;
      if (!opened) return out;
      log = std::move(*opened);
    }
    auto replayed = log->replay("concord.delegations.v1", [&](const events::Record& r) -> Status {
      if (std::find(keys.begin(), keys.end(), r.key) != keys.end()) out.push_back(r);
      return {};
    });
    EXPECT_TRUE(replayed) << replayed.error().detail;
    return out;
  }

  TempDir data_;
  std::unique_ptr<ServiceProcess> process_;
  std::string token_ = officer_token();
  std::string visit_;
};

TEST_P(DelegationsRestart, killed_and_restarted_it_serves_the_same_state_with_contact_and_travel) {
  auto kg = call(Method::post, "/v1/delegations",
                 {{"visit_id", visit_}, {"country", "KG"}, {"side", "guest"}, {"name", {{"en", "Kyrgyzstan"}}}});
  ASSERT_EQ(kg.status, 201) << kg.body;
  std::string d = kg.json["id"];
  auto head = call(Method::post, "/v1/delegations/" + d + "/members",
                   {{"full_name", {{"en", "Aibek Ismailov"}, {"ru", "Айбек Исмаилов"}}},
                    {"position", {{"en", "Minister of Foreign Affairs"}}},
                    {"rank", "minister"},
                    {"languages", {"ky", "ru"}},
                    {"time_zone", "Asia/Bishkek"},
                    {"contact", {{"email", "aibek@mfa.kg"}, {"phone", "+996 312 62 05 45"}}},
                    {"notifications", {{"language", "ru"}, {"channels", {"inbox", "email"}}}},
                    {"is_head", true}});
  ASSERT_EQ(head.status, 201) << head.body;
  std::string h = head.json["id"];
  auto expert = call(Method::post, "/v1/delegations/" + d + "/members",
                     {{"full_name", {{"en", "Bolot Asanov"}}},
                      {"position", {{"en", "Expert"}}},
                      {"rank", "expert"},
                      {"languages", {"ru"}},
                      {"time_zone", "Asia/Bishkek"},
                      {"contact", {{"email", "bolot@mfa.kg"}}}});
  ASSERT_EQ(expert.status, 201) << expert.body;
  std::string e = expert.json["id"];
  ASSERT_EQ(call(Method::put, "/v1/members/" + h + "/travel",
                 {{"arrival", {{"time", "2025-09-28T10:00:00+06:00"}, {"flight", "KC 109"}, {"airport", "FRU"}}},
                  {"hotel", {{"name", "Hyatt Regency"}}}})
                .status,
            200);
  ASSERT_EQ(call(Method::post, "/v1/members/" + h + "/accreditation", {{"action", "request"}}).status, 200);
  ASSERT_EQ(call(Method::post, "/v1/members/" + h + "/accreditation", {{"action", "approve"}, {"badge_number", "KG-1"}})
                .status,
            200);
  ASSERT_EQ(call(Method::patch, "/v1/members/" + e, {{"rank", "adviser"}}).status, 200);

  auto before_head = call(Method::get, "/v1/members/" + h);
  auto before_expert = call(Method::get, "/v1/members/" + e);
  auto before_roster = call(Method::get, "/v1/delegations/" + d + "/members");
  auto before_delegation = call(Method::get, "/v1/delegations/" + d);
  ASSERT_EQ(before_head.status, 200);

  process_->kill9();
  ASSERT_TRUE(process_->start()) << process_->last_error();

  auto after_head = call(Method::get, "/v1/members/" + h);
  EXPECT_EQ(after_head.json, before_head.json);
  EXPECT_EQ(after_head.headers.get("ETag"), before_head.headers.get("ETag"));
  EXPECT_EQ(after_head.json["contact"]["email"], "aibek@mfa.kg");
  EXPECT_EQ(after_head.json["contact"]["phone"], "+996312620545");
  EXPECT_EQ(after_head.json["travel"]["arrival"]["flight"], "KC 109");
  EXPECT_EQ(after_head.json["travel"]["hotel"]["name"], "Hyatt Regency");
  EXPECT_EQ(call(Method::get, "/v1/members/" + e).json, before_expert.json);
  EXPECT_EQ(call(Method::get, "/v1/members/" + e).json["contact"]["email"], "bolot@mfa.kg");
  EXPECT_EQ(call(Method::get, "/v1/delegations/" + d + "/members").json, before_roster.json);
  EXPECT_EQ(call(Method::get, "/v1/delegations/" + d).json, before_delegation.json);
  EXPECT_EQ(before_roster.json["items"][0]["id"], h);  // the head first

  // The rebuilt service keeps its rules and keeps writing after the restart.
  auto patched = call(Method::patch, "/v1/members/" + e, {{"precedence_order", 1}});
  EXPECT_EQ(patched.status, 200) << patched.body;

  if (GetParam() == LogKind::file) process_->kill9();  // the file log is one process's at a time
  auto records = public_records({d});
  std::vector<std::string> types;
  std::map<std::string, long long> last_sequence;
  for (const auto& r : records) {
    types.push_back(r.event.type);
    EXPECT_GT(r.event.sequence, last_sequence[r.event.subject]) << "out of order: " << r.event.subject;
    last_sequence[r.event.subject] = r.event.sequence;
    auto text = events::serialize(r.event);
    for (const auto& secret : kSecrets)
      EXPECT_EQ(text.find(secret), std::string::npos) << r.event.type << " carries " << secret;
  }
  EXPECT_THAT(types, ::testing::ElementsAre("concord.delegations.delegation.registered",
                                            "concord.delegations.member.added",        // the head
                                            "concord.delegations.delegation.updated",  // head_member_id
                                            "concord.delegations.member.added",        // the expert
                                            "concord.delegations.member.updated",      // travel (no details)
                                            "concord.delegations.accreditation.requested",
                                            "concord.delegations.accreditation.approved",
                                            "concord.delegations.member.updated",    // rank
                                            "concord.delegations.member.updated"));  // precedence, after the restart
  ASSERT_EQ(records.size(), 9u);
  EXPECT_EQ(records[6].event.data["badge_number"], "KG-1");
  EXPECT_EQ(records[4].event.data["changed"], json({"travel"}));
  EXPECT_EQ(records[8].event.data["member"]["precedence_order"], 1);
}

INSTANTIATE_TEST_SUITE_P(Logs, DelegationsRestart, ::testing::Values(LogKind::file, LogKind::kafka), kind_name);

}  // namespace
