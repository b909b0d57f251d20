#pragma once
// A documents domain with two delegations of one visit, their members (with Ed25519 keys), a
// signing ceremony, and helpers to bring a document to any status. No I/O: decide + evolve.
#include <gtest/gtest.h>

#include "concord/core/id.hpp"
#include "concord/crypto/crypto.hpp"
#include "documents/domain/decide.hpp"
#include "ed25519_key.hpp"

namespace concord::documents::testing {

inline Timestamp at(std::string_view text) {
  return *parse_rfc3339(text);
}
inline Days day(std::string_view text) {
  return *parse_date(text);
}

struct World {
  State state;
  SequentialIdGenerator ids;
  Timestamp now = at("2026-11-28T10:00:00Z");
  const std::string visit = "00000000-0000-7000-8000-0000000000a0";
  const std::string kg = "00000000-0000-7000-8000-0000000000b1";  // host delegation
  const std::string by = "00000000-0000-7000-8000-0000000000b2";  // guest delegation
  const std::string kg_head = "00000000-0000-7000-8000-0000000000c1";
  const std::string kg_minister = "00000000-0000-7000-8000-0000000000c2";
  const std::string by_head = "00000000-0000-7000-8000-0000000000c3";
  const std::string meeting = "00000000-0000-7000-8000-0000000000d1";
  Ed25519Key kg_head_key, kg_minister_key, by_head_key;

  World() {
    delegation(kg, "KG");
    delegation(by, "BY");
    member(kg_head, kg, kg_head_key);
    member(kg_minister, kg, kg_minister_key);
    member(by_head, by, by_head_key);
    ceremony(meeting, "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z");
  }

  void delegation(const std::string& id, const std::string& country) {
    apply_delegations_event(state, "concord.delegations.delegation.registered",
                            {{"delegation", {{"id", id}, {"visit_id", visit}, {"country", country}, {"version", 1}}}});
  }
  void member(const std::string& id, const std::string& delegation, const Ed25519Key& key, long long version = 1) {
    apply_delegations_event(state, "concord.delegations.member.added",
                            {{"member",
                              {{"id", id},
                               {"delegation_id", delegation},
                               {"visit_id", visit},
                               {"status", "active"},
                               {"public_key", crypto::base64_encode(key.public_raw())},
                               {"version", version}}}});
  }
  void ceremony(const std::string& id, std::string_view start, std::string_view end,
                std::string type = "concord.scheduling.meeting.scheduled", std::string status = "scheduled",
                long long version = 1, std::string reason = {}) {
    nlohmann::json data = {{"meeting",
                            {{"id", id},
                             {"visit_id", visit},
                             {"kind", "signing_ceremony"},
                             {"status", status},
                             {"start", start},
                             {"end", end},
                             {"version", version}}}};
    if (!reason.empty()) data["reason"] = reason;
    apply_scheduling_event(state, type, data);
  }

  Context officer() {
    return Context{now, Actor{"officer-1", true, false, std::nullopt, std::nullopt}, [this] { return ids.next(); }};
  }
  Context as_member(const std::string& member_id, const std::string& delegation_id) {
    return Context{now, Actor{"member:" + member_id, false, false, member_id, delegation_id},
                   [this] { return ids.next(); }};
  }
  // A delegation officer of `country` (delegation_officer with that country claim).
  Context delegation_officer(const std::string& country) {
    Actor a{"officer:" + country, false, false, std::nullopt, std::nullopt, country};
    return Context{now, a, [this] { return ids.next(); }};
  }
  Context system() {
    return Context{now, Actor{}, [this] { return ids.next(); }};
  }

  void apply(const std::vector<NewEvent>& facts) {
    for (const auto& f : facts) evolve(state, f);
  }

  std::string create(std::vector<std::string> languages = {"ru", "ky"}) {
    CreateDocument c{{{"en", "Agreement on cultural cooperation"}, {"ru", "Соглашение"}},
                     "agreement",
                     visit,
                     {kg, by},
                     {{kg, kg_head}, {by, by_head}},
                     std::move(languages)};
    auto facts = decide_create(state, c, officer());
    EXPECT_TRUE(facts) << (facts ? "" : facts.error().detail);
    apply(*facts);
    return facts->front().subject.substr(9);
  }

  Result<Decision> step(const std::string& doc, Command c, std::optional<Context> ctx = {}) {
    auto facts = decide(state, doc, c, ctx ? *ctx : officer());
    if (facts) apply(*facts);
    return facts;
  }
  void ok(const std::string& doc, Command c, std::optional<Context> ctx = {}) {
    auto r = step(doc, std::move(c), std::move(ctx));
    ASSERT_TRUE(r) << r.error().detail;
  }

  const Document& doc(const std::string& id) { return state.documents.at(id); }

  std::string signature(const Ed25519Key& key, const std::string& doc_id, const std::string& member_id,
                        Timestamp signed_at) {
    return crypto::base64_encode(key.sign(*signing_payload(doc(doc_id), member_id, signed_at)));
  }

  // A document brought to `status` through the workflow.
  std::string reach(DocStatus status) {
    auto id = create();
    ok(id, AddVersion{"ru", "Статья 1.\nСтороны сотрудничают.\n"});
    ok(id, AddVersion{"ky", "1-берене.\nТараптар кызматташат.\n"});
    if (status == DocStatus::draft) return id;
    if (status == DocStatus::withdrawn) {
      ok(id, Withdraw{"no longer needed"});
      return id;
    }
    ok(id, Submit{});
    if (status == DocStatus::rejected) {
      ok(id, RecordApproval{by, "reject", "article 1 needs work"});
      return id;
    }
    ok(id, RecordApproval{kg, "approve", ""});
    ok(id, RecordApproval{by, "approve", ""});
    if (status == DocStatus::under_approval) return id;
    ok(id, Agree{});
    if (status == DocStatus::agreed) return id;
    ok(id, LinkSigning{meeting});
    if (status == DocStatus::signing_scheduled) return id;
    ok(id, RecordSignature{kg_head, "wet_ink", "", now, "Bishkek"});
    if (status == DocStatus::partially_signed) return id;
    ok(id, RecordSignature{by_head, "wet_ink", "", now, "Bishkek"});
    if (status == DocStatus::signed_) return id;
    ok(id, SetEntryIntoForce{Rule::on_signature, std::nullopt, 0});
    return id;
  }
};

}  // namespace concord::documents::testing
