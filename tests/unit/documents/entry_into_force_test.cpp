// The three entry-into-force rules, computed, reported, and applied when the date comes.
#include <gtest/gtest.h>

#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

TEST(EntryIntoForce, on_signature_enters_into_force_when_the_last_signatory_signs) {
  World w;
  auto id = w.reach(DocStatus::partially_signed);
  w.ok(id, SetEntryIntoForce{Rule::on_signature, std::nullopt, 0});
  EXPECT_EQ(entry_into_force_date(w.doc(id)), std::nullopt);
  auto r = w.step(id, RecordSignature{w.by_head, "wet_ink", "", w.now, ""});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].type, "concord.documents.document.signed");
  EXPECT_EQ((*r)[2].type, "concord.documents.document.in_force");
  EXPECT_EQ((*r)[2].data["date"], "2026-11-28");
  EXPECT_EQ(w.doc(id).status, DocStatus::in_force);
}

TEST(EntryIntoForce, on_date_waits_for_the_date) {
  World w;
  auto id = w.reach(DocStatus::signed_);
  auto past = w.step(id, SetEntryIntoForce{Rule::on_date, day("2026-11-27"), 0});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().errors.at(0).pointer, "/date");
  auto missing = w.step(id, SetEntryIntoForce{Rule::on_date, std::nullopt, 0});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errors.at(0).pointer, "/date");
  w.ok(id, SetEntryIntoForce{Rule::on_date, day("2027-01-01"), 0});
  EXPECT_EQ(entry_into_force_date(w.doc(id)), day("2027-01-01"));
  EXPECT_EQ(snapshot(w.doc(id))["entry_into_force"]["date"], "2027-01-01");
  EXPECT_TRUE(enter_into_force_when_due(w.state, w.system()).empty());
  w.now = at("2026-12-31T23:59:59Z");
  EXPECT_TRUE(enter_into_force_when_due(w.state, w.system()).empty());
  w.now = at("2027-01-01T00:00:00Z");
  auto due = enter_into_force_when_due(w.state, w.system());
  ASSERT_EQ(due.at(id).size(), 1u);
  EXPECT_EQ(due.at(id)[0].type, "concord.documents.document.in_force");
  w.apply(due.at(id));
  EXPECT_EQ(w.doc(id).status, DocStatus::in_force);
  EXPECT_EQ(w.doc(id).in_force_on, day("2027-01-01"));
}

TEST(EntryIntoForce, a_date_passed_before_signature_takes_effect_on_signature) {
  World w;
  auto id = w.reach(DocStatus::partially_signed);
  w.ok(id, SetEntryIntoForce{Rule::on_date, day("2026-11-29"), 0});
  w.now = at("2026-11-30T08:00:00Z");
  auto r = w.step(id, RecordSignature{w.by_head, "wet_ink", "", w.now, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->back().type, "concord.documents.document.in_force");
  EXPECT_EQ(r->back().data["date"], "2026-11-30");
}

TEST(EntryIntoForce, after_notifications_counts_days_from_the_last_partys_notification) {
  World w;
  auto id = w.reach(DocStatus::signed_);
  w.ok(id, SetEntryIntoForce{Rule::after_notifications, std::nullopt, 30});
  EXPECT_EQ(entry_into_force_date(w.doc(id)), std::nullopt);
  w.now = at("2027-01-10T09:00:00Z");
  w.ok(id, RecordNotification{w.by, day("2027-01-10")});
  EXPECT_EQ(entry_into_force_date(w.doc(id)), std::nullopt);  // one party still to notify
  EXPECT_EQ(snapshot(w.doc(id))["entry_into_force"]["date"], nullptr);
  auto again = w.step(id, RecordNotification{w.by, day("2027-01-10")});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  w.now = at("2027-02-03T09:00:00Z");
  auto future = w.step(id, RecordNotification{w.kg, day("2027-02-04")});
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().errors.at(0).pointer, "/notified_on");
  w.ok(id, RecordNotification{w.kg, day("2027-02-02")});
  EXPECT_EQ(entry_into_force_date(w.doc(id)), day("2027-03-04"));
  auto snap = snapshot(w.doc(id));
  EXPECT_EQ(snap["entry_into_force"]["date"], "2027-03-04");
  EXPECT_EQ(snap["entry_into_force"]["notifications"].size(), 2u);
  EXPECT_EQ(w.doc(id).status, DocStatus::signed_);
  w.now = at("2027-03-03T23:00:00Z");
  EXPECT_TRUE(enter_into_force_when_due(w.state, w.system()).empty());
  w.now = at("2027-03-04T00:00:00Z");
  auto due = enter_into_force_when_due(w.state, w.system());
  w.apply(due.at(id));
  EXPECT_EQ(w.doc(id).status, DocStatus::in_force);
  EXPECT_EQ(w.doc(id).in_force_on, day("2027-03-04"));
}

TEST(EntryIntoForce, after_notifications_needs_days_in_range) {
  World w;
  auto id = w.reach(DocStatus::signed_);
  auto r = w.step(id, SetEntryIntoForce{Rule::after_notifications, std::nullopt, -1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/days");
}
