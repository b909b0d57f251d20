// The linked signing ceremony, followed from concord.scheduling.v1.
#include <gtest/gtest.h>

#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

TEST(SigningCeremony, a_rescheduled_ceremony_gives_the_document_the_new_time) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  EXPECT_TRUE(follow_ceremonies(w.state, w.system()).empty());
  w.ceremony(w.meeting, "2026-12-01T14:00:00Z", "2026-12-01T15:00:00Z", "concord.scheduling.meeting.rescheduled",
             "scheduled", 2);
  auto steps = follow_ceremonies(w.state, w.system());
  ASSERT_EQ(steps.size(), 1u);
  const auto& facts = steps.at(id);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].type, "concord.documents.signing.rescheduled");
  EXPECT_EQ(facts[0].data["previous_start"], "2026-11-30T09:00:00Z");
  EXPECT_EQ(facts[0].data["start"], "2026-12-01T14:00:00Z");
  EXPECT_EQ(facts[0].data["document"]["signing"]["start"], "2026-12-01T14:00:00Z");
  w.apply(facts);
  EXPECT_EQ(format_rfc3339_utc(w.doc(id).signing->start), "2026-12-01T14:00:00Z");
  EXPECT_EQ(w.doc(id).status, DocStatus::signing_scheduled);
  // Once followed, nothing more to do.
  EXPECT_TRUE(follow_ceremonies(w.state, w.system()).empty());
}

TEST(SigningCeremony, a_cancelled_ceremony_returns_the_document_to_agreed_with_the_reason) {
  World w;
  auto id = w.reach(DocStatus::partially_signed);
  w.ceremony(w.meeting, "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z", "concord.scheduling.meeting.cancelled",
             "cancelled", 2, "the minister is ill");
  auto steps = follow_ceremonies(w.state, w.system());
  ASSERT_EQ(steps.at(id).size(), 1u);
  EXPECT_EQ(steps.at(id)[0].type, "concord.documents.signing.cancelled");
  EXPECT_EQ(steps.at(id)[0].data["reason"], "the minister is ill");
  w.apply(steps.at(id));
  EXPECT_EQ(w.doc(id).status, DocStatus::agreed);
  EXPECT_FALSE(w.doc(id).signing);
  EXPECT_EQ(w.doc(id).signing_cancel_reason, "the minister is ill");
  // The signature already made stays; a new ceremony resumes as partially signed.
  std::string second = "00000000-0000-7000-8000-0000000000d2";
  w.ceremony(second, "2026-12-02T09:00:00Z", "2026-12-02T10:00:00Z");
  w.ok(id, LinkSigning{second});
  EXPECT_EQ(w.doc(id).status, DocStatus::partially_signed);
}

TEST(SigningCeremony, only_a_scheduled_signing_ceremony_of_the_same_visit_can_be_linked) {
  World w;
  auto id = w.reach(DocStatus::agreed);
  auto r = w.step(id, LinkSigning{"00000000-0000-7000-8000-0000000000d9"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/meeting_id");
  std::string talks = "00000000-0000-7000-8000-0000000000d3";
  apply_scheduling_event(w.state, "concord.scheduling.meeting.scheduled",
                         {{"meeting",
                           {{"id", talks},
                            {"visit_id", w.visit},
                            {"kind", "tete_a_tete"},
                            {"status", "scheduled"},
                            {"start", "2026-11-30T09:00:00Z"},
                            {"end", "2026-11-30T10:00:00Z"},
                            {"version", 1}}}});
  r = w.step(id, LinkSigning{talks});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().errors.at(0).message.find("signing_ceremony"), std::string::npos);
}

TEST(SigningCeremony, scheduling_events_that_are_not_meetings_or_are_malformed_are_ignored) {
  World w;
  apply_scheduling_event(w.state, "concord.scheduling.visit.planned", {{"visit", {{"id", "x"}}}});
  apply_scheduling_event(w.state, "concord.scheduling.meeting.updated", {{"meeting", 42}});
  apply_scheduling_event(w.state, "concord.scheduling.meeting.updated", nlohmann::json::array());
  EXPECT_EQ(w.state.meetings.size(), 1u);
}
