// The documents API over real HTTP: validation with JSON pointers, authorization, ETags and
// If-Match, Idempotency-Key, 409 problems naming the allowed steps, versions and diffs.
#include "api_fixture.hpp"
#include "raw_client.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

namespace {
std::vector<std::string> pointers(const json& problem) {
  std::vector<std::string> out;
  for (const auto& e : problem["errors"]) out.push_back(e["pointer"]);
  return out;
}
}  // namespace

TEST_F(DocumentsApi, creates_a_document_and_reads_it_back) {
  auto r = h->post("/v1/documents", document_body());
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.json["id"];
  EXPECT_EQ(r.headers.get("Location").value_or(""), "/v1/documents/" + id);
  EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"1\"");
  EXPECT_EQ(r.json["status"], "draft");
  EXPECT_EQ(r.json["allowed_actions"],
            json({"update", "add_version", "submit", "change_signatories", "set_entry_into_force", "withdraw"}));
  auto got = h->get(path(id));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.json["title"]["ru"], "Соглашение о культурном сотрудничестве");
  EXPECT_EQ(got.json["signatories"].size(), 2u);
  EXPECT_EQ(got.json["latest_versions"], json::object());
}

TEST_F(DocumentsApi, members_read_only_the_documents_of_their_delegation) {
  auto id = create();
  EXPECT_EQ(h->get(path(id), member_token(by_head, by)).status, 200);
  EXPECT_EQ(h->get(path(id), "integrator").status, 200);
  auto outsider = member_token("0190a000-0000-7000-8000-0000000000e1", "0190a000-0000-7000-8000-0000000000e9");
  EXPECT_EQ(h->get(path(id), outsider).status, 404);
  auto list = h->get("/v1/documents", outsider);
  EXPECT_EQ(list.status, 200);
  EXPECT_TRUE(list.json["items"].empty());
  EXPECT_EQ(h->get(path(id), "").status, 401);
}

TEST_F(DocumentsApi, only_officers_write) {
  auto id = draft();
  auto member = member_token(kg_head, kg);
  EXPECT_EQ(h->post("/v1/documents", document_body(), member).status, 403);
  for (std::string step : {"/submit", "/agree"}) {
    auto r = h->post(path(id, step), json::object(), member);
    EXPECT_EQ(r.status, 403) << step;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  }
  EXPECT_EQ(h->post(path(id, "/versions"), {{"language", "ru"}, {"content", "x"}}, "integrator").status, 403);
  EXPECT_EQ(h->post(path(id, "/withdraw"), {{"reason", "x"}}, member).status, 403);
}

TEST_F(DocumentsApi, a_bad_document_is_400_naming_every_field) {
  json body = document_body();
  body.erase("title");
  body["kind"] = "treaty";
  body["parties"] = {"not-a-uuid"};
  body["signatories"] = {42, {{"delegation_id", kg}}};
  body["languages"] = {"ru", "not a tag"};
  body["colour"] = "blue";
  auto r = h->post("/v1/documents", body);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  auto p = pointers(r.json);
  for (std::string expected :
       {"/title", "/kind", "/parties/0", "/signatories/0", "/signatories/1/member_id", "/languages/1", "/colour"})
    EXPECT_NE(std::find(p.begin(), p.end(), expected), p.end()) << expected << " in " << r.body;
  // Not JSON at all.
  auto broken = h->call_raw(Method::post, "/v1/documents", "officer", "{\"title\": ");
  EXPECT_EQ(broken.status, 400);
  // Well-formed, but the parties are not known to delegations.
  body = document_body();
  body["parties"] = {kg, "0190a000-0000-7000-8000-0000000000ff"};
  r = h->post("/v1/documents", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(pointers(r.json), std::vector<std::string>({"/parties/1", "/signatories/1/delegation_id"}));
}

TEST_F(DocumentsApi, lists_filter_by_visit_and_status) {
  auto a = draft();
  auto b = create();
  ASSERT_EQ(h->post(path(a, "/submit"), json::object()).status, 200);
  auto r = h->get("/v1/documents?status=under_approval&visit_id=" + visit);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json["items"].size(), 1u);
  EXPECT_EQ(r.json["items"][0]["id"], a);
  r = h->get("/v1/documents?status=draft&limit=1");
  EXPECT_EQ(r.json["items"].size(), 1u);
  EXPECT_FALSE(r.json["next_cursor"].is_null());
  EXPECT_EQ(h->get("/v1/documents?status=finished").status, 400);
  EXPECT_EQ(h->get("/v1/documents?visit_id=x").status, 400);
  EXPECT_EQ(h->get("/v1/documents?visit_id=0190a000-0000-7000-8000-000000000fff").json["items"].size(), 0u);
  (void)b;
}

// A list shows each document from bytes kept beside it: as its GET shows the same fields (the
// GET details signatures further), through every index the filters use, and each change at once.
TEST_F(DocumentsApi, list_items_read_as_their_document_does_and_show_each_change_at_once) {
  auto id = create();
  auto listed = [&](const std::string& query) {
    auto r = h->get("/v1/documents?limit=200" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/json");
    for (const auto& item : r.json["items"])
      if (item["id"] == id) return item;
    ADD_FAILURE() << id << " is not listed by ?" << query;
    return json::object();
  };
  auto expect_as_got = [&] {
    auto got = h->get(path(id)).json;
    std::string status = "&status=" + got["status"].get<std::string>();
    for (const std::string& query : {std::string(), "&visit_id=" + visit, status, "&visit_id=" + visit + status}) {
      json item = listed(query);  // items() keeps a reference: not to a temporary
      for (const auto& [key, value] : item.items()) {
        if (key == "signatures") continue;
        EXPECT_EQ(value, got[key]) << key << " listed by ?" << query;
      }
    }
  };
  expect_as_got();
  ASSERT_EQ(h->post(path(id, "/versions"), {{"language", "ru"}, {"content", "Статья 1.\n"}}).status, 201);
  EXPECT_EQ(listed("")["latest_versions"]["ru"]["number"], 1);
  ASSERT_EQ(h->post(path(id, "/versions"), {{"language", "ky"}, {"content", "1-берене.\n"}}).status, 201);
  ASSERT_EQ(h->post(path(id, "/submit"), json::object()).status, 200);
  EXPECT_EQ(listed("&status=under_approval")["status"], "under_approval");
  expect_as_got();
}

// Every list page comes from an index of what it lists: a delegation member's from the
// documents their delegation is a party to, visit and status together from their own, a
// language's versions from theirs. Pages of one give what picking them out of the whole gave,
// and a change shows at the next request.
TEST_F(DocumentsApi, lists_page_through_their_own_indexes_and_show_each_change_at_once) {
  auto walk = [&](const std::string& list, const std::string& token = "officer") {
    std::vector<json> items;
    std::string cursor;
    do {
      auto r = h->get(list + (list.find('?') == std::string::npos ? "?" : "&") + "limit=1" +
                          (cursor.empty() ? "" : "&cursor=" + cursor),
                      token);
      EXPECT_EQ(r.status, 200) << r.body;
      for (const auto& item : r.json["items"]) items.push_back(item);
      cursor = r.json["next_cursor"].is_string() ? r.json["next_cursor"].get<std::string>() : "";
    } while (!cursor.empty() && items.size() < 20);
    return items;
  };
  auto ids = [](const std::vector<json>& items, const char* field = "id") {
    std::vector<json> out;
    for (const auto& item : items) out.push_back(item[field]);
    return out;
  };
  auto kg_only_body = document_body();
  kg_only_body["parties"] = {kg};
  kg_only_body["signatories"] = {{{"delegation_id", kg}, {"member_id", kg_head}}};
  std::vector<json> all = ids(walk("/v1/documents"));  // the fixture's, parties to both
  std::vector<json> both = all;
  for (int i = 0; i < 2; ++i) {
    both.push_back(draft());
    all.push_back(both.back());
    auto r = h->post("/v1/documents", kg_only_body);
    ASSERT_EQ(r.status, 201) << r.body;
    all.push_back(r.json["id"]);
  }
  EXPECT_EQ(ids(walk("/v1/documents", member_token(by_head, by))), both);
  EXPECT_EQ(ids(walk("/v1/documents", member_token(kg_head, kg))), all);
  EXPECT_EQ(ids(walk("/v1/documents")), all);
  std::string under_approval = "/v1/documents?visit_id=" + visit + "&status=under_approval";
  EXPECT_TRUE(walk(under_approval).empty());
  ASSERT_EQ(h->post(path(both.back(), "/submit"), json::object()).status, 200);
  EXPECT_EQ(ids(walk(under_approval)), std::vector<json>{both.back()});
  EXPECT_EQ(ids(walk(under_approval, member_token(by_head, by))), std::vector<json>{both.back()});
  std::vector<json> drafts = all;
  std::erase(drafts, both.back());
  EXPECT_EQ(ids(walk("/v1/documents?visit_id=" + visit + "&status=draft")), drafts);

  // Versions: all in number order, or one language's.
  std::string versions = path(both[1], "/versions");  // a draft() of this test: two versions
  ASSERT_EQ(h->post(versions, {{"language", "ru"}, {"content", "Статья 1.\n"}}).status, 201);
  EXPECT_EQ(ids(walk(versions), "number"), (std::vector<json>{1, 2, 3}));
  EXPECT_EQ(ids(walk(versions + "?language=ru"), "number"), (std::vector<json>{1, 3}));
  EXPECT_EQ(ids(walk(versions + "?language=ky"), "number"), (std::vector<json>{2}));
  EXPECT_TRUE(walk(versions + "?language=en").empty());
  ASSERT_EQ(h->post(versions, {{"language", "ky"}, {"content", "1-берене.\n"}}).status, 201);
  EXPECT_EQ(ids(walk(versions + "?language=ky"), "number"), (std::vector<json>{2, 4}));
  EXPECT_EQ(ids(walk(versions), "number"), (std::vector<json>{1, 2, 3, 4}));
}

TEST_F(DocumentsApi, versions_are_stored_with_their_sha256_and_diffed_within_one_language) {
  auto id = create();
  auto v1 = h->post(path(id, "/versions"), {{"language", "ru"}, {"content", "Статья 1.\nСтатья 2.\nСтатья 3.\n"}});
  ASSERT_EQ(v1.status, 201) << v1.body;
  EXPECT_EQ(v1.headers.get("Location").value_or(""), path(id, "/versions/1"));
  EXPECT_EQ(v1.json["sha256"], crypto::sha256_hex("Статья 1.\nСтатья 2.\nСтатья 3.\n"));
  ASSERT_EQ(h->post(path(id, "/versions"), {{"language", "ky"}, {"content", "1-берене."}}).status, 201);
  ASSERT_EQ(
      h->post(path(id, "/versions"), {{"language", "ru"}, {"content", "Статья 1.\nСтатья 2 (новая).\nСтатья 3.\n"}})
          .status,
      201);
  auto got = h->get(path(id, "/versions/1"), member_token(kg_head, kg));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json["content"], "Статья 1.\nСтатья 2.\nСтатья 3.\n");
  EXPECT_EQ(got.json["language"], "ru");
  EXPECT_EQ(got.json["intact"], true);
  EXPECT_EQ(h->get(path(id, "/versions/9")).status, 404);
  EXPECT_EQ(h->get(path(id, "/versions/x")).status, 404);
  auto list = h->get(path(id, "/versions?language=ru"));
  EXPECT_EQ(list.json["items"].size(), 2u);
  auto doc = h->get(path(id));
  EXPECT_EQ(doc.json["latest_versions"]["ru"]["number"], 3);
  EXPECT_EQ(doc.json["latest_versions"]["ky"]["number"], 2);

  auto d = h->get(path(id, "/diff?from=1&to=3"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json["added"], 1);
  EXPECT_EQ(d.json["removed"], 1);
  EXPECT_EQ(d.json["unified"], "@@ -1,3 +1,3 @@\n Статья 1.\n-Статья 2.\n+Статья 2 (новая).\n Статья 3.\n");
  auto across = h->get(path(id, "/diff?from=1&to=2"));
  EXPECT_EQ(across.status, 400);
  EXPECT_EQ(pointers(across.json), std::vector<std::string>{"/to"});
  auto missing = h->get(path(id, "/diff?to=2"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(pointers(missing.json), std::vector<std::string>{"/from"});
  auto bad_language = h->post(path(id, "/versions"), {{"language", "en"}, {"content", "text"}});
  EXPECT_EQ(bad_language.status, 400);
  EXPECT_EQ(pointers(bad_language.json), std::vector<std::string>{"/language"});
}

TEST_F(DocumentsApi, a_version_of_2_mib_is_kept_and_anything_larger_refused) {
  auto id = create();
  std::string content(2 * 1024 * 1024, 'a');
  for (size_t i = 80; i < content.size(); i += 81) content[i] = '\n';
  auto r = h->post(path(id, "/versions"), {{"language", "ru"}, {"content", content}});
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 300);
  EXPECT_EQ(r.json["size"], content.size());
  auto got = h->get(path(id, "/versions/1"));
  EXPECT_EQ(got.json["content"], content);
  EXPECT_EQ(got.json["sha256"], crypto::sha256_hex(content));
  auto over = h->post(path(id, "/versions"), {{"language", "ru"}, {"content", content + "b"}});
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(pointers(over.json), std::vector<std::string>{"/content"});
  // A body beyond the route's limit (2 MiB + 64 KiB) is refused before it is read.
  concord::testing::RawClient raw(h->port());
  ASSERT_TRUE(raw.send("POST " + path(id, "/versions") +
                       " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n"
                       "Content-Type: application/json\r\nContent-Length: 3145728\r\n\r\n{\"language\":"));
  EXPECT_EQ(concord::testing::status_of(raw.read(std::chrono::seconds(5))), 413);
  EXPECT_EQ(h->get(path(id)).json["versions"].size(), 1u);
}

TEST_F(DocumentsApi, an_illegal_step_is_409_problem_json_naming_the_allowed_steps) {
  auto id = draft();
  const json draft_allowed = {"update",  "add_version", "submit", "change_signatories", "set_entry_into_force",
                              "withdraw"};
  std::vector<std::pair<std::string, json>> steps = {
      {"/agree", json::object()},
      {"/approvals", {{"delegation_id", kg}, {"decision", "approve"}}},
      {"/signing", {{"meeting_id", meeting}}},
      {"/signatures", {{"member_id", kg_head}, {"method", "wet_ink"}}},
      {"/notifications", {{"delegation_id", kg}, {"notified_on", "2026-11-28"}}},
  };
  for (const auto& [step, body] : steps) {
    auto r = h->post(path(id, step), body);
    EXPECT_EQ(r.status, 409) << step << " " << r.body;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
    EXPECT_EQ(r.json["document_status"], "draft");
    EXPECT_EQ(r.json["allowed_actions"], draft_allowed) << step;
    EXPECT_EQ(r.json["type"], "urn:concord:problem:conflict");
  }
  ASSERT_EQ(h->post(path(id, "/withdraw"), {{"reason", "postponed"}}).status, 200);
  auto r = h->post(path(id, "/submit"), json::object());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json["allowed_actions"], json::array());
  EXPECT_NE(r.json["detail"].get<std::string>().find("withdrawn"), std::string::npos);
  // A precondition, not the status: submitting without every language.
  auto half = create();
  ASSERT_EQ(h->post(path(half, "/versions"), {{"language", "ru"}, {"content", "x"}}).status, 201);
  r = h->post(path(half, "/submit"), json::object());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json["missing_languages"], json({"ky"}));
}

TEST_F(DocumentsApi, the_workflow_runs_end_to_end_over_http) {
  auto id = signed_document();
  auto doc = h->get(path(id));
  EXPECT_EQ(doc.json["status"], "signed");
  EXPECT_EQ(doc.json["agreed_versions"]["ru"]["number"], 1);
  EXPECT_EQ(doc.json["signatures"].size(), 2u);
  EXPECT_EQ(doc.json["signatures"][0]["method"], "wet_ink");
  EXPECT_EQ(doc.json["signatures"][0]["place"], "Bishkek");
  EXPECT_EQ(doc.json["signing"]["start"], "2026-11-30T09:00:00Z");
  auto eif = h->post(path(id, "/entry-into-force"), {{"rule", "on_signature"}});
  ASSERT_EQ(eif.status, 200) << eif.body;
  EXPECT_EQ(eif.json["status"], "in_force");
  EXPECT_EQ(eif.json["entry_into_force"]["date"], "2026-11-28");
}

TEST_F(DocumentsApi, a_rejection_sends_the_document_back_to_draft_with_a_new_version) {
  auto id = draft();
  ASSERT_EQ(h->post(path(id, "/submit"), json::object()).status, 200);
  auto r = h->post(path(id, "/approvals"), {{"delegation_id", by}, {"decision", "reject"}, {"comment", "article 1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "rejected");
  EXPECT_EQ(r.json["rejection_comment"], "article 1");
  auto v = h->post(path(id, "/versions"), {{"language", "ru"}, {"content", "Статья 1 (исправлено)."}});
  ASSERT_EQ(v.status, 201);
  EXPECT_EQ(h->get(path(id)).json["status"], "draft");
  auto bad = h->post(path(id, "/approvals"), {{"delegation_id", by}, {"decision", "maybe"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(pointers(bad.json), std::vector<std::string>{"/decision"});
}

TEST_F(DocumentsApi, a_stale_if_match_is_412_and_a_current_one_passes) {
  auto id = draft();  // version 1 + (1 chunk + 1 added) * 2 = 5
  http::Headers stale;
  stale.set("If-Match", "\"1\"");
  auto r = h->post(path(id, "/submit"), json::object(), "officer", stale);
  EXPECT_EQ(r.status, 412);
  std::string current(h->get(path(id)).headers.get("ETag").value_or(""));
  EXPECT_EQ(current, "\"5\"");
  http::Headers fresh;
  fresh.set("If-Match", current);
  r = h->post(path(id, "/submit"), json::object(), "officer", fresh);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"6\"");
}

TEST_F(DocumentsApi, an_idempotency_key_replays_the_first_answer) {
  http::Headers key;
  key.set("Idempotency-Key", "create-agreement-1");
  auto first = h->post("/v1/documents", document_body(), "officer", key);
  auto second = h->post("/v1/documents", document_body(), "officer", key);
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(first.json["id"], second.json["id"]);
  auto other = document_body();
  other["kind"] = "memorandum";
  EXPECT_EQ(h->post("/v1/documents", other, "officer", key).status, 422);
  auto all = h->get("/v1/documents?limit=200");
  size_t n = 0;
  for (const auto& d : all.json["items"]) n += d["id"] == first.json["id"];
  EXPECT_EQ(n, 1u);
}

TEST_F(DocumentsApi, the_audit_chain_verifies_and_the_certificate_follows_signature) {
  auto id = signing_scheduled();
  auto early = h->get(path(id, "/certificate"));
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.json["allowed_actions"], json({"sign", "change_signatories", "set_entry_into_force", "withdraw"}));
  for (const auto& m : {kg_head, by_head})
    ASSERT_EQ(h->post(path(id, "/signatures"), {{"member_id", m}, {"method", "wet_ink"}}).status, 201);
  auto audit = h->get(path(id, "/audit"));
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.json["valid"], true);
  EXPECT_TRUE(audit.json["broken_at"].is_null());
  auto doc = h->get(path(id));
  EXPECT_EQ(audit.json["length"], doc.json["version"]);
  EXPECT_EQ(audit.json["head"], doc.json["audit_head"]);
  EXPECT_EQ(audit.json["events"][0]["previous_hash"], std::string(64, '0'));
  EXPECT_EQ(audit.json["events"][1]["previous_hash"], audit.json["events"][0]["hash"]);
  auto cert = h->get(path(id, "/certificate"), member_token(by_head, by));
  ASSERT_EQ(cert.status, 200) << cert.body;
  EXPECT_EQ(cert.json["agreed_text"]["ky"]["sha256"], crypto::sha256_hex("1-берене.\nТараптар кызматташат.\n"));
  EXPECT_EQ(cert.json["signatures"].size(), 2u);
  EXPECT_EQ(cert.json["audit"]["head"], audit.json["head"]);
  EXPECT_EQ(cert.json["audit"]["valid"], true);
}
