// The one envelope factory: every event gets the CloudEvents attributes Concord promises
// (docs/asyncapi.yaml), and what a domain already fixed of an event (a Stamp) is kept as given.
#include <gtest/gtest.h>

#include "concord/service/api.hpp"

using namespace concord;
namespace api = concord::service::api;

namespace {

const Timestamp kNow{std::chrono::milliseconds(1'767'225'600'000)};

struct Factory : ::testing::Test {
  ManualClock clock{kNow};
  SequentialIdGenerator ids;
  api::EventFactory events{"documents", clock, ids};
  api::Cause cause{"officer-1", "corr-1", "request:corr-1"};
};

TEST_F(Factory, makes_the_envelope_from_the_cause_clock_and_ids) {
  auto e = events.make("concord.documents.document.created", "document/d1", 1, {{"k", 1}}, cause);
  EXPECT_EQ(e.id, "00000000-0000-7000-8000-000000000001");
  EXPECT_EQ(e.source, "/concord/documents");
  EXPECT_EQ(e.type, "concord.documents.document.created");
  EXPECT_EQ(e.dataschema, "urn:concord:schema:concord.documents.document.created");
  EXPECT_EQ(e.subject, "document/d1");
  EXPECT_EQ(e.time, kNow);
  EXPECT_EQ(e.sequence, 1);
  EXPECT_EQ(e.actor, "officer-1");
  EXPECT_EQ(e.correlationid, "corr-1");
  EXPECT_EQ(e.causationid, "request:corr-1");
  EXPECT_EQ(e.data, (nlohmann::json{{"k", 1}}));
}

TEST_F(Factory, keeps_the_id_time_and_actor_a_domain_stamped) {
  const Timestamp decided = kNow - std::chrono::seconds(3);
  auto e = events.make("concord.documents.document.agreed", "document/d1", 7, nlohmann::json::object(), cause,
                       {"event-7", decided, "system"});
  EXPECT_EQ(e.id, "event-7");
  EXPECT_EQ(e.time, decided);
  EXPECT_EQ(e.actor, "system");
  EXPECT_EQ(e.correlationid, "corr-1");
  EXPECT_EQ(e.sequence, 7);
}

TEST_F(Factory, makes_what_a_stamp_leaves_out) {
  auto e = events.make("concord.delegations.member.added", "member/m1", 1, nlohmann::json::object(), cause,
                       {.id = "event-1"});
  EXPECT_EQ(e.id, "event-1");
  EXPECT_EQ(e.time, kNow);
  EXPECT_EQ(e.actor, "officer-1");
}

}  // namespace
