// What the service does on its own: following the ceremony in scheduling, and entering
// documents into force when their date comes (on a timer and on read).
#include "api_fixture.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

TEST_F(DocumentsApi, a_ceremony_rescheduled_in_scheduling_moves_the_documents_signing) {
  auto id = signing_scheduled();
  h->meeting("concord.scheduling.meeting.rescheduled", meeting, visit, "2026-12-01T14:00:00Z", "2026-12-01T15:00:00Z",
             "scheduled", 2, {{"previous_start", "2026-11-30T09:00:00Z"}, {"previous_end", "2026-11-30T10:00:00Z"}});
  ASSERT_TRUE(h->eventually([&] { return h->get(path(id)).json["signing"]["start"] == "2026-12-01T14:00:00Z"; }));
  auto doc = h->get(path(id));
  EXPECT_EQ(doc.json["status"], "signing_scheduled");
  EXPECT_EQ(doc.json["signing"]["end"], "2026-12-01T15:00:00Z");
  auto audit = h->get(path(id, "/audit"));
  EXPECT_EQ(audit.json["events"].back()["type"], "concord.documents.signing.rescheduled");
  EXPECT_EQ(audit.json["valid"], true);
}

TEST_F(DocumentsApi, a_ceremony_cancelled_in_scheduling_returns_the_document_to_agreed_with_the_reason) {
  auto id = signing_scheduled();
  ASSERT_EQ(h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "wet_ink"}}).status, 201);
  h->meeting("concord.scheduling.meeting.cancelled", meeting, visit, "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z",
             "cancelled", 2, {{"reason", "the delegation's flight was cancelled"}});
  ASSERT_TRUE(h->eventually([&] { return h->get(path(id)).json["status"] == "agreed"; }));
  auto doc = h->get(path(id));
  EXPECT_TRUE(doc.json["signing"].is_null());
  EXPECT_EQ(doc.json["signing_cancelled_reason"], "the delegation's flight was cancelled");
  EXPECT_EQ(doc.json["allowed_actions"],
            json({"schedule_signing", "change_signatories", "set_entry_into_force", "withdraw"}));
  // A cancelled ceremony cannot be linked again.
  auto r = h->post(path(id, "/signing"), {{"meeting_id", meeting}});
  EXPECT_EQ(r.status, 400);
}

TEST_F(DocumentsApi, on_date_enters_into_force_when_the_date_is_read_after_it_came) {
  auto id = signed_document();
  auto r = h->post(path(id, "/entry-into-force"), {{"rule", "on_date"}, {"date", "2026-12-15"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["entry_into_force"], json({{"rule", "on_date"}, {"date", "2026-12-15"}}));
  EXPECT_EQ(r.json["status"], "signed");
  auto bad = h->post(path(id, "/entry-into-force"), {{"rule", "on_date"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["errors"][0]["pointer"], "/date");
  bad = h->post(path(id, "/entry-into-force"), {{"rule", "on_date"}, {"date", "2026-12-15"}, {"days", 3}});
  EXPECT_EQ(bad.status, 400);
  h->clock.set(*parse_rfc3339("2026-12-15T00:00:01Z"));
  auto doc = h->get(path(id));  // judged on read, whether or not the timer got there first
  EXPECT_EQ(doc.json["status"], "in_force");
  EXPECT_EQ(doc.json["in_force_on"], "2026-12-15");
}

TEST_F(DocumentsApi, after_notifications_counts_from_the_last_of_two_parties_and_the_timer_applies_it) {
  auto id = signed_document();
  auto r = h->post(path(id, "/entry-into-force"), {{"rule", "after_notifications"}, {"days", 30}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["entry_into_force"]["date"].is_null());
  h->clock.set(*parse_rfc3339("2027-01-20T09:00:00Z"));
  r = h->post(path(id, "/notifications"), {{"delegation_id", by}, {"notified_on", "2027-01-12"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.json["entry_into_force"]["date"].is_null());
  r = h->post(path(id, "/notifications"), {{"delegation_id", by}, {"notified_on", "2027-01-13"}});
  EXPECT_EQ(r.status, 409);
  r = h->post(path(id, "/notifications"), {{"delegation_id", kg}, {"notified_on", "2027-01-19"}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json["entry_into_force"]["date"], "2027-02-18");
  EXPECT_EQ(r.json["entry_into_force"]["notifications"].size(), 2u);
  EXPECT_EQ(r.json["status"], "signed");
  h->clock.set(*parse_rfc3339("2027-02-18T06:00:00Z"));
  // No request touches the document: the service's own timer moves it, as the log shows.
  ASSERT_TRUE(h->eventually([&] {
    bool in_force = false;
    auto st = h->log->replay("concord.documents.v1", [&](const events::Record& rec) -> Status {
      if (rec.key == id && rec.event.type == "concord.documents.document.in_force") in_force = true;
      return {};
    });
    return st && in_force;
  }));
  EXPECT_EQ(h->get(path(id)).json["in_force_on"], "2027-02-18");
}

TEST_F(DocumentsApi, a_ceremony_moved_while_documents_was_down_is_followed_when_it_starts) {
  auto id = signing_scheduled();
  h->stop();
  h->open_log_only();
  h->meeting("concord.scheduling.meeting.rescheduled", meeting, visit, "2026-12-03T08:00:00Z", "2026-12-03T09:00:00Z",
             "scheduled", 2);
  h->log.reset();
  h->start();
  ASSERT_TRUE(h->eventually([&] { return h->get(path(id)).json["signing"]["start"] == "2026-12-03T08:00:00Z"; }));
  auto audit = h->get(path(id, "/audit"));
  EXPECT_EQ(audit.json["events"].back()["type"], "concord.documents.signing.rescheduled");
  EXPECT_EQ(audit.json["events"].back()["actor"], "system");
}
