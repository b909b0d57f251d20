// Every step from every status: allowed where the workflow allows it, and otherwise 409 naming
// the steps that are allowed.
#include <gtest/gtest.h>

#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

namespace {

const std::vector<DocStatus> kAllStatuses = {
    DocStatus::draft,   DocStatus::under_approval,    DocStatus::rejected,
    DocStatus::agreed,  DocStatus::signing_scheduled, DocStatus::partially_signed,
    DocStatus::signed_, DocStatus::in_force,          DocStatus::withdrawn};

const std::vector<std::string> kAllActions = {"update",
                                              "add_version",
                                              "submit",
                                              "approve",
                                              "reject",
                                              "agree",
                                              "schedule_signing",
                                              "sign",
                                              "change_signatories",
                                              "set_entry_into_force",
                                              "record_notification",
                                              "withdraw"};

const std::map<DocStatus, std::vector<std::string>> kExpectedAllowed = {
    {DocStatus::draft, {"update", "add_version", "submit", "change_signatories", "set_entry_into_force", "withdraw"}},
    {DocStatus::under_approval,
     {"add_version", "approve", "reject", "agree", "change_signatories", "set_entry_into_force", "withdraw"}},
    {DocStatus::rejected, {"update", "add_version", "change_signatories", "set_entry_into_force", "withdraw"}},
    {DocStatus::agreed, {"schedule_signing", "change_signatories", "set_entry_into_force", "withdraw"}},
    {DocStatus::signing_scheduled, {"sign", "change_signatories", "set_entry_into_force", "withdraw"}},
    {DocStatus::partially_signed, {"sign", "change_signatories", "set_entry_into_force", "withdraw"}},
    {DocStatus::signed_, {"set_entry_into_force", "record_notification"}},
    {DocStatus::in_force, {}},
    {DocStatus::withdrawn, {}},
};

Command command_for(World& w, const std::string& action) {
  if (action == "update") return UpdateDocument{{{"en", "Agreement (revised title)"}}};
  if (action == "add_version") return AddVersion{"ru", "Статья 1.\nСтороны тесно сотрудничают.\n"};
  if (action == "submit") return Submit{};
  if (action == "approve") return RecordApproval{w.kg, "approve", ""};
  if (action == "reject") return RecordApproval{w.kg, "reject", "not yet"};
  if (action == "agree") return Agree{};
  if (action == "schedule_signing") return LinkSigning{w.meeting};
  if (action == "sign") return RecordSignature{w.by_head, "wet_ink", "", w.now, "Bishkek"};
  if (action == "change_signatories") return ChangeSignatories{w.kg, {w.kg_head, w.kg_minister}};
  if (action == "set_entry_into_force") return SetEntryIntoForce{Rule::on_date, day("2027-06-01"), 0};
  if (action == "record_notification") return RecordNotification{w.kg, day("2026-11-28")};
  return Withdraw{"the visit was postponed"};
}

}  // namespace

TEST(DocumentWorkflow, each_status_allows_exactly_its_steps_and_refuses_the_others_with_409_naming_them) {
  for (auto status : kAllStatuses) {
    for (const auto& action : kAllActions) {
      World w;
      auto id = w.reach(status);
      ASSERT_EQ(w.doc(id).status, status) << to_string(status);
      EXPECT_EQ(allowed_actions(w.doc(id)), kExpectedAllowed.at(status));
      auto result = w.step(id, command_for(w, action));
      const auto& allowed = kExpectedAllowed.at(status);
      bool expect_ok = std::find(allowed.begin(), allowed.end(), action) != allowed.end();
      SCOPED_TRACE(to_string(status) + " / " + action);
      if (expect_ok) {
        EXPECT_TRUE(result) << result.error().detail;
      } else {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, ErrorCode::conflict);
        EXPECT_EQ(result.error().extensions["document_status"], to_string(status));
        EXPECT_EQ(result.error().extensions["allowed_actions"], nlohmann::json(allowed));
      }
    }
  }
}

TEST(DocumentWorkflow, moves_draft_to_under_approval_to_agreed_to_signing_to_signed_to_in_force) {
  World w;
  auto id = w.create();
  EXPECT_EQ(w.doc(id).status, DocStatus::draft);
  w.ok(id, AddVersion{"ru", "Текст"});
  w.ok(id, AddVersion{"ky", "Текст"});
  w.ok(id, Submit{});
  EXPECT_EQ(w.doc(id).status, DocStatus::under_approval);
  w.ok(id, RecordApproval{w.kg, "approve", ""});
  w.ok(id, RecordApproval{w.by, "approve", "fine"});
  w.ok(id, Agree{});
  EXPECT_EQ(w.doc(id).status, DocStatus::agreed);
  EXPECT_EQ(w.doc(id).agreed.at("ru").number, 1);
  EXPECT_EQ(w.doc(id).agreed.at("ky").number, 2);
  w.ok(id, LinkSigning{w.meeting});
  EXPECT_EQ(w.doc(id).status, DocStatus::signing_scheduled);
  EXPECT_EQ(format_rfc3339_utc(w.doc(id).signing->start), "2026-11-30T09:00:00Z");
  w.ok(id, RecordSignature{w.kg_head, "wet_ink", "", w.now, "Bishkek"});
  EXPECT_EQ(w.doc(id).status, DocStatus::partially_signed);
  auto last = w.step(id, RecordSignature{w.by_head, "wet_ink", "", w.now, "Bishkek"});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->back().type, "concord.documents.document.signed");
  EXPECT_EQ(w.doc(id).status, DocStatus::signed_);
  w.ok(id, SetEntryIntoForce{Rule::on_signature, std::nullopt, 0});
  EXPECT_EQ(w.doc(id).status, DocStatus::in_force);
  EXPECT_EQ(format_date(*w.doc(id).in_force_on), "2026-11-28");
}

TEST(DocumentWorkflow, submission_needs_a_version_in_every_authentic_language) {
  World w;
  auto id = w.create();
  w.ok(id, AddVersion{"ru", "Текст"});
  auto r = w.step(id, Submit{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(r.error().extensions["missing_languages"], nlohmann::json({"ky"}));
  EXPECT_EQ(r.error().extensions["allowed_actions"], nlohmann::json(kExpectedAllowed.at(DocStatus::draft)));
}

TEST(DocumentWorkflow, agreement_needs_every_partys_approval_of_the_latest_versions) {
  World w;
  auto id = w.reach(DocStatus::under_approval);
  // A new version after both approved makes their approvals stale.
  w.ok(id, AddVersion{"ky", "1-берене (оңдолгон)."});
  auto r = w.step(id, Agree{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().extensions["missing_approvals"], nlohmann::json({w.kg, w.by}));
  w.ok(id, RecordApproval{w.kg, "approve", ""});
  r = w.step(id, Agree{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().extensions["missing_approvals"], nlohmann::json({w.by}));
  w.ok(id, RecordApproval{w.by, "approve", ""});
  w.ok(id, Agree{});
  EXPECT_EQ(w.doc(id).agreed.at("ky").number, 3);
  EXPECT_EQ(w.doc(id).agreed.at("ky").sha256, crypto::sha256_hex("1-берене (оңдолгон)."));
}

TEST(DocumentWorkflow, a_rejection_returns_the_document_to_draft_with_a_new_version) {
  World w;
  auto id = w.reach(DocStatus::rejected);
  EXPECT_EQ(w.doc(id).reject_comment, "article 1 needs work");
  w.ok(id, AddVersion{"ru", "Статья 1 (исправлено)."});
  EXPECT_EQ(w.doc(id).status, DocStatus::draft);
  w.ok(id, Submit{});
  EXPECT_EQ(w.doc(id).status, DocStatus::under_approval);
  EXPECT_TRUE(w.doc(id).approvals.empty());
}

TEST(DocumentWorkflow, a_rejection_needs_a_comment_and_a_party) {
  World w;
  auto id = w.reach(DocStatus::under_approval);
  auto r = w.step(id, RecordApproval{w.kg, "reject", ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/comment");
  r = w.step(id, RecordApproval{"00000000-0000-7000-8000-0000000000ff", "approve", ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/delegation_id");
}

TEST(DocumentWorkflow, only_officers_drive_the_workflow) {
  World w;
  auto id = w.reach(DocStatus::draft);
  auto member = w.as_member(w.kg_head, w.kg);
  for (Command c :
       std::vector<Command>{Submit{}, AddVersion{"ru", "x"}, Withdraw{"x"}, UpdateDocument{{{"en", "x"}}}}) {
    auto r = w.step(id, c, member);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  }
  auto created = decide_create(
      w.state, CreateDocument{{{"en", "x"}}, "memorandum", w.visit, {w.kg}, {{w.kg, w.kg_head}}, {"ru"}}, member);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::forbidden);
}

TEST(DocumentWorkflow, a_member_of_another_delegation_does_not_see_the_document) {
  World w;
  auto id = w.create();
  auto outsider = w.as_member("00000000-0000-7000-8000-0000000000e1", "00000000-0000-7000-8000-0000000000e9");
  EXPECT_FALSE(may_read(w.doc(id), outsider.actor));
  EXPECT_TRUE(may_read(w.doc(id), w.as_member(w.by_head, w.by).actor));
  auto r = w.step(id, Submit{}, outsider);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST(DocumentWorkflow, creation_checks_parties_signatories_and_languages_against_delegations) {
  World w;
  std::string unknown = "00000000-0000-7000-8000-0000000000ee";
  CreateDocument c{{{"en", "x"}}, "agreement", w.visit, {w.kg, unknown, w.kg}, {{w.by, w.by_head}, {w.kg, unknown}},
                   {"ru", "ru"}};
  auto r = decide_create(w.state, c, w.officer());
  ASSERT_FALSE(r);
  std::vector<std::string> pointers;
  for (const auto& e : r.error().errors) pointers.push_back(e.pointer);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/parties/1", "/parties/2", "/signatories/0/delegation_id",
                                                "/signatories/1/member_id", "/languages/1"}));
  // A party without a signatory.
  CreateDocument d{{{"en", "x"}}, "agreement", w.visit, {w.kg, w.by}, {{w.kg, w.kg_head}}, {"ru"}};
  r = decide_create(w.state, d, w.officer());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/signatories");
  // A signatory of the wrong delegation.
  CreateDocument e{{{"en", "x"}}, "agreement", w.visit, {w.kg, w.by}, {{w.kg, w.kg_head}, {w.by, w.kg_minister}},
                   {"ru"}};
  r = decide_create(w.state, e, w.officer());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/signatories/1/member_id");
}

TEST(DocumentWorkflow, withdrawal_needs_a_reason_and_ends_the_workflow) {
  World w;
  auto id = w.reach(DocStatus::agreed);
  auto r = w.step(id, Withdraw{""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/reason");
  w.ok(id, Withdraw{"superseded"});
  EXPECT_EQ(w.doc(id).status, DocStatus::withdrawn);
  EXPECT_TRUE(allowed_actions(w.doc(id)).empty());
}

TEST(DocumentWorkflow, signatories_change_but_one_who_signed_stays) {
  World w;
  auto id = w.reach(DocStatus::partially_signed);  // kg_head has signed
  auto r = w.step(id, ChangeSignatories{w.kg, {w.kg_minister}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(r.error().extensions["member_id"], w.kg_head);
  auto added = w.step(id, ChangeSignatories{w.kg, {w.kg_head, w.kg_minister}});
  ASSERT_TRUE(added);
  EXPECT_EQ(added->front().type, "concord.documents.signatory.changed");
  EXPECT_EQ(added->front().data["added"], nlohmann::json({w.kg_minister}));
  EXPECT_EQ(added->front().data["removed"], nlohmann::json::array());
  // Removing the one unsigned signatory of the other party is not allowed (a party keeps one);
  // replacing it with one who ... signs completes.
  w.ok(id, RecordSignature{w.by_head, "wet_ink", "", w.now, ""});
  EXPECT_EQ(w.doc(id).status, DocStatus::partially_signed);  // kg_minister still to sign
  auto removed = w.step(id, ChangeSignatories{w.kg, {w.kg_head}});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->back().type, "concord.documents.document.signed");
  EXPECT_EQ(w.doc(id).status, DocStatus::signed_);
}

TEST(DocumentWorkflow, a_delegation_officer_decides_for_their_own_party_only) {
  World w;
  auto id = w.reach(DocStatus::under_approval);
  auto kyrgyz = w.delegation_officer("KG");
  auto belarus_before = w.doc(id).approvals.contains(w.by) ? w.doc(id).approvals.at(w.by).decision : "";
  // The Kyrgyz officer approves for Kyrgyzstan (the delegation's country comes from the
  // delegations topic, not from the token) ...
  auto approved = w.step(id, RecordApproval{w.kg, "approve", ""}, kyrgyz);
  ASSERT_TRUE(approved) << approved.error().detail;
  EXPECT_EQ(w.doc(id).approvals.at(w.kg).decision, "approve");
  // ... and is refused for Belarus, for a rejection too, and for Belarus's signatories.
  for (const Command& c :
       std::vector<Command>{RecordApproval{w.by, "approve", ""}, RecordApproval{w.by, "reject", "no"},
                            ChangeSignatories{w.by, {w.by_head}}}) {
    auto r = w.step(id, c, kyrgyz);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::forbidden);
    EXPECT_NE(r.error().detail.find("only for their own delegation"), std::string::npos) << r.error().detail;
  }
  EXPECT_EQ(w.doc(id).approvals.contains(w.by) ? w.doc(id).approvals.at(w.by).decision : "", belarus_before);
  EXPECT_TRUE(w.step(id, ChangeSignatories{w.kg, {w.kg_minister}}, kyrgyz));
  // Everything else stays the host officers': agreeing, new versions, withdrawing.
  for (const Command& c : std::vector<Command>{Agree{}, Withdraw{"not ours to withdraw"}}) {
    auto r = w.step(id, c, kyrgyz);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  }
  // A Belarusian officer is the mirror image; and delegation officers read every document.
  EXPECT_TRUE(w.step(id, RecordApproval{w.by, "approve", ""}, w.delegation_officer("BY")));
  EXPECT_TRUE(may_read(w.doc(id), kyrgyz.actor));
}
