// concord-documents as a real process, on the file log and on the real Kafka broker: driven
// through the workflow (a 2 MiB version, an Ed25519 signature, a ceremony from scheduling),
// killed with SIGKILL and started again, it serves the same documents, contents and audit chain,
// and keeps working. An outside consumer of concord.documents.v1 sees the chain in every event,
// and no record above Kafka's default 1 MB.
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "concord/core/id.hpp"
#include "concord/crypto/crypto.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/kafka_log.hpp"
#include "ed25519_key.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::testing;
using concord::documents::testing::Ed25519Key;
using http::Method;
using nlohmann::json;

namespace {

enum class LogKind { file, kafka };

std::string kind_name(const ::testing::TestParamInfo<LogKind>& info) {
  return info.param == LogKind::file ? "file_log" : "kafka";
}

class DocumentsRestart : public ::testing::TestWithParam<LogKind> {
 protected:
  void SetUp() override {
    if (GetParam() == LogKind::kafka && !kafka_brokers())
      FAIL() << "KAFKA_BROKERS is not set: this test needs the real Kafka broker. Start one with "
                "`deploy/local/stack.sh start` and export the KAFKA_BROKERS it prints (tests/run.sh does both).";
    // Ids of this run's own: on a shared broker the topics hold other runs' events too.
    visit_ = new_uuid_v7();
    kg_ = new_uuid_v7();
    by_ = new_uuid_v7();
    kg_head_ = new_uuid_v7();
    by_head_ = new_uuid_v7();
    meeting_ = new_uuid_v7();
    // What delegations and scheduling would have written, before documents starts.
    {
      auto log = open_log("seed");
      ASSERT_TRUE(log);
      ASSERT_TRUE(
          log->ensure_topics({{"concord.delegations.v1"}, {"concord.scheduling.v1"}, {"concord.documents.v1"}}));
      for (const auto& [d, m, key] : {std::tuple{kg_, kg_head_, &kg_key_}, std::tuple{by_, by_head_, &by_key_}}) {
        append(*log, "concord.delegations.v1", d, "concord.delegations.delegation.registered",
               {{"delegation",
                 {{"id", d},
                  {"visit_id", visit_},
                  {"country", "KG"},
                  {"side", "host"},
                  {"name", {{"en", "Delegation"}}},
                  {"head_member_id", nullptr},
                  {"version", 1}}}});
        append(*log, "concord.delegations.v1", d, "concord.delegations.member.added",
               {{"member",
                 {{"id", m},
                  {"delegation_id", d},
                  {"visit_id", visit_},
                  {"full_name", {{"en", "Head"}}},
                  {"rank", "minister"},
                  {"status", "active"},
                  {"public_key", crypto::base64_encode(key->public_raw())},
                  {"version", 1}}}});
      }
      append(*log, "concord.scheduling.v1", visit_, "concord.scheduling.meeting.scheduled",
             {{"meeting",
               {{"id", meeting_},
                {"visit_id", visit_},
                {"title", {{"en", "Signing"}}},
                {"kind", "signing_ceremony"},
                {"start", "2030-05-01T09:00:00Z"},
                {"end", "2030-05-01T10:00:00Z"},
                {"status", "scheduled"},
                {"version", 1}}}});
    }
    process_ = std::make_unique<ServiceProcess>("concord-documents", "CONCORD_DOCUMENTS_ADDR",
                                                process_env(data_.path(), GetParam() == LogKind::kafka));
    ASSERT_TRUE(process_->start()) << process_->last_error();
  }

  std::unique_ptr<events::EventLog> open_log(const std::string& role) {
    if (GetParam() == LogKind::kafka) {
      auto opened = events::open_kafka_log(
          {.brokers = *kafka_brokers(), .transactional_id = "documents-test-" + role + "-" + new_uuid_v7()});
      EXPECT_TRUE(opened) << opened.error().detail;
      return opened ? std::move(*opened) : nullptr;
    }
    auto opened = events::open_file_log({.directory = data_.path() / "log"});
    EXPECT_TRUE(opened) << opened.error().detail;
    return opened ? std::move(*opened) : nullptr;
  }

  void append(events::EventLog& log, const std::string& topic, const std::string& key, const std::string& type,
              json data) {
    events::Event e;
    e.id = new_uuid_v7();
    e.source = "/concord/test";
    e.type = type;
    e.subject = key;
    e.time = SystemClock().now();
    e.sequence = ++sequences_[key];
    e.data = std::move(data);
    auto st = log.append(topic, key, {e});
    ASSERT_TRUE(st) << st.error().detail;
  }

  ServiceProcess::Reply call(Method m, const std::string& path, const json& body = nullptr,
                             const std::string& token = officer_token()) {
    return process_->call(m, path, token, body);
  }

  // Submits the draft, approves it for both parties, agrees it and links the ceremony; returns
  // the answer to the link.
  ServiceProcess::Reply agree_and_link(const std::string& p) {
    EXPECT_EQ(call(Method::post, p + "/submit", json::object()).status, 200);
    for (const auto& d : {kg_, by_})
      EXPECT_EQ(call(Method::post, p + "/approvals", {{"delegation_id", d}, {"decision", "approve"}}).status, 200);
    EXPECT_EQ(call(Method::post, p + "/agree", json::object()).status, 200);
    return call(Method::post, p + "/signing", {{"meeting_id", meeting_}});
  }

  TempDir data_;
  std::unique_ptr<ServiceProcess> process_;
  std::string visit_, kg_, by_, kg_head_, by_head_, meeting_;
  Ed25519Key kg_key_, by_key_;
  std::map<std::string, long long> sequences_;
};

TEST_P(DocumentsRestart, killed_and_restarted_it_serves_the_same_documents_and_audit_chain) {
  auto created =
      call(Method::post, "/v1/documents",
           {{"title", {{"en", "Memorandum on trade"}, {"ru", "Меморандум о торговле"}}},
            {"kind", "memorandum"},
            {"visit_id", visit_},
            {"parties", {kg_, by_}},
            {"signatories",
             {{{"delegation_id", kg_}, {"member_id", kg_head_}}, {{"delegation_id", by_}, {"member_id", by_head_}}}},
            {"languages", {"ru", "ky"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json["id"];
  std::string p = "/v1/documents/" + id;
  // A version of 2 MiB of two-byte characters: 16 chunks, each its own record.
  std::string big;
  while (big.size() + 2 <= 2 * 1024 * 1024) big += big.size() % 160 == 158 ? "\n" : "ж";
  ASSERT_EQ(call(Method::post, p + "/versions", {{"language", "ru"}, {"content", big}}).status, 201);
  ASSERT_EQ(call(Method::post, p + "/versions", {{"language", "ky"}, {"content", "Меморандум."}}).status, 201);
  auto linked = agree_and_link(p);
  ASSERT_EQ(linked.status, 200) << linked.body;
  // kg's head signs digitally.
  auto member = token_for("member-kg", {auth::Role::delegation_member}, kg_head_, kg_);
  std::string signed_at = format_rfc3339_utc(std::chrono::floor<std::chrono::seconds>(SystemClock().now()));
  auto payload =
      process_->call(Method::get, p + "/signing-payload?member_id=" + kg_head_ + "&signed_at=" + signed_at, member);
  ASSERT_EQ(payload.status, 200) << payload.body;
  auto sig = crypto::base64_encode(kg_key_.sign(payload.body));
  auto signature =
      call(Method::post, p + "/signatures",
           {{"member_id", kg_head_}, {"method", "ed25519"}, {"signature", sig}, {"signed_at", signed_at}}, member);
  ASSERT_EQ(signature.status, 201) << signature.body;
  ASSERT_EQ(
      call(Method::post, p + "/signatures", {{"member_id", by_head_}, {"method", "wet_ink"}, {"place", "Bishkek"}})
          .status,
      201);
  ASSERT_EQ(call(Method::post, p + "/entry-into-force", {{"rule", "after_notifications"}, {"days", 30}}).status, 200);
  std::string today = format_date(std::chrono::floor<std::chrono::days>(SystemClock().now()));
  ASSERT_EQ(call(Method::post, p + "/notifications", {{"delegation_id", by_}, {"notified_on", today}}).status, 201);

  auto before = call(Method::get, p);
  auto before_audit = call(Method::get, p + "/audit");
  auto before_version = call(Method::get, p + "/versions/1");
  ASSERT_EQ(before.json["status"], "signed");
  ASSERT_EQ(before_audit.json["valid"], true);
  ASSERT_EQ(before_version.json["content"], big);

  process_->kill9();
  ASSERT_TRUE(process_->start()) << process_->last_error();

  auto after = call(Method::get, p);
  EXPECT_EQ(after.json, before.json);
  EXPECT_EQ(after.headers.get("ETag"), before.headers.get("ETag"));
  EXPECT_EQ(call(Method::get, p + "/audit").json, before_audit.json);
  auto after_version = call(Method::get, p + "/versions/1");
  EXPECT_EQ(after_version.json["content"], big);
  EXPECT_EQ(after_version.json["intact"], true);
  EXPECT_EQ(after_version.json["sha256"], crypto::sha256_hex(big));
  EXPECT_EQ(after.json["signatures"][0]["signature"], sig);

  // It keeps its rules and keeps writing: the second party's notification fixes the date.
  auto again = call(Method::post, p + "/notifications", {{"delegation_id", by_}, {"notified_on", today}});
  EXPECT_EQ(again.status, 409);
  auto second = call(Method::post, p + "/notifications", {{"delegation_id", kg_}, {"notified_on", today}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_FALSE(second.json["entry_into_force"]["date"].is_null());
  EXPECT_EQ(call(Method::get, p + "/audit").json["valid"], true);

  if (GetParam() == LogKind::file) process_->kill9();  // the file log is one process's at a time
  auto log = open_log("reader");
  ASSERT_TRUE(log);
  std::vector<events::Record> mine;
  ASSERT_TRUE(log->replay("concord.documents.v1", [&](const events::Record& r) -> Status {
    if (r.key == id) mine.push_back(r);
    return {};
  }));
  ASSERT_EQ(mine.size(), second.json["version"].get<size_t>());
  std::string previous(64, '0');
  size_t chunks = 0;
  for (const auto& r : mine) {
    EXPECT_EQ(r.event.data["previous_hash"], previous) << r.event.type;
    previous = r.event.data["hash"];
    EXPECT_LT(events::serialize(r.event).size(), 1000000u) << r.event.type;
    chunks += r.event.type == "concord.documents.version.content_added";
  }
  EXPECT_EQ(chunks, 17u);  // 16 for the big version, 1 for the small one
}

INSTANTIATE_TEST_SUITE_P(Logs, DocumentsRestart, ::testing::Values(LogKind::file, LogKind::kafka), kind_name);

// While the service runs, scheduling moves and then cancels the ceremony. Kafka only: the file
// log belongs to one process at a time, so nobody else can write scheduling's events into it
// while documents runs (the embedded mode's following is shown by tests/e2e/documents_signing.sh).
class DocumentsFollowing : public DocumentsRestart {
 protected:
  // GET the document until `done` holds for it, for at most 30 s.
  json wait_for(const std::string& path, const std::function<bool(const json&)>& done) {
    json last;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto got = call(Method::get, path);
      last = got.json;
      if (got.status == 200 && done(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "not reached within 30 s; last seen: " << last.dump();
    return last;
  }

  void meeting_event(const std::string& type, long long version, const std::string& start, const std::string& end,
                     const std::string& status, json extra = json::object()) {
    auto log = open_log("scheduler");
    ASSERT_TRUE(log);
    json data = {{"meeting",
                  {{"id", meeting_},
                   {"visit_id", visit_},
                   {"title", {{"en", "Signing"}}},
                   {"kind", "signing_ceremony"},
                   {"start", start},
                   {"end", end},
                   {"status", status},
                   {"version", version}}}};
    data.update(extra);
    append(*log, "concord.scheduling.v1", visit_, type, data);
  }
};

TEST_P(DocumentsFollowing, after_a_kill_it_still_follows_its_ceremony_moved_and_then_cancelled) {
  auto created =
      call(Method::post, "/v1/documents",
           {{"title", {{"en", "Roadmap 2030"}}},
            {"kind", "roadmap"},
            {"visit_id", visit_},
            {"parties", {kg_, by_}},
            {"signatories",
             {{{"delegation_id", kg_}, {"member_id", kg_head_}}, {{"delegation_id", by_}, {"member_id", by_head_}}}},
            {"languages", {"ru"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string p = "/v1/documents/" + created.json["id"].get<std::string>();
  ASSERT_EQ(call(Method::post, p + "/versions", {{"language", "ru"}, {"content", "Дорожная карта."}}).status, 201);
  auto linked = agree_and_link(p);
  ASSERT_EQ(linked.status, 200) << linked.body;
  ASSERT_EQ(linked.json["signing"]["start"], "2030-05-01T09:00:00Z") << linked.body;

  // Killed twice in a row: a consumer group would now hold the partitions for a dead member.
  process_->kill9();
  ASSERT_TRUE(process_->start()) << process_->last_error();
  process_->kill9();
  ASSERT_TRUE(process_->start()) << process_->last_error();

  meeting_event("concord.scheduling.meeting.rescheduled", 2, "2030-05-01T09:30:00Z", "2030-05-01T10:30:00Z",
                "scheduled");
  auto moved = wait_for(p, [](const json& d) { return d["signing"]["start"] == "2030-05-01T09:30:00Z"; });
  EXPECT_EQ(moved["status"], "signing_scheduled");
  EXPECT_EQ(moved["signing"]["end"], "2030-05-01T10:30:00Z");

  meeting_event("concord.scheduling.meeting.cancelled", 3, "2030-05-01T09:30:00Z", "2030-05-01T10:30:00Z", "cancelled",
                {{"reason", "postponed by the parties"}});
  auto back = wait_for(p, [](const json& d) { return d["status"] == "agreed"; });
  EXPECT_EQ(back["signing_cancelled_reason"], "postponed by the parties");
  EXPECT_TRUE(back["signing"].is_null()) << back.dump();
}

INSTANTIATE_TEST_SUITE_P(Logs, DocumentsFollowing, ::testing::Values(LogKind::kafka), kind_name);

}  // namespace
