// The HTTP handlers: parse (pointing at fields) → decide (through the store) → render.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "concord/core/json_input.hpp"
#include "concord/core/log.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/service/api.hpp"
#include "documents/api/documents_service.hpp"
#include "documents/api/render.hpp"
#include "documents/domain/diff.hpp"

namespace concord::documents {

namespace api = service::api;
using json_input::Need;
using json_input::Reader;

namespace {

// A version's body: the content (up to 2 MiB of text) plus the JSON around it, escapes included.
constexpr size_t kVersionBodyLimit = kMaxContentBytes + 64 * 1024;

Actor actor_of(const http::Request& req) {
  if (!req.principal) return Actor{};
  const auto& p = *req.principal;
  auto a = api::actor_from<Actor>(p);
  a.country = api::officer_country(p);
  if (p.has(auth::Role::delegation_member)) a.delegation_id = p.delegation_id;
  return a;
}

Result<nlohmann::json> body_of(const http::Request& req) {
  return api::body_object(req);
}

Result<long long> number_param(std::string_view text, const std::string& pointer) {
  long long n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p != text.data() + text.size() || n < 1)
    return fail(Error::validation(pointer, "must be a version number (1, 2, ...)"));
  return n;
}

}  // namespace

void DocumentsService::mount(http::Router& outer) {
  http::Router r;
  auto h = [this](Result<http::Response> (DocumentsService::*f)(http::Request&)) {
    return [this, f](http::Request& req) { return (this->*f)(req); };
  };
  r.post("/v1/documents", h(&DocumentsService::create));
  r.get("/v1/documents", h(&DocumentsService::list));
  r.get("/v1/documents/{id}", h(&DocumentsService::get));
  r.patch("/v1/documents/{id}", h(&DocumentsService::update));
  r.post("/v1/documents/{id}/versions", h(&DocumentsService::add_version),
         http::RouteOptions{.body_limit = kVersionBodyLimit});
  r.get("/v1/documents/{id}/versions", h(&DocumentsService::list_versions));
  r.get("/v1/documents/{id}/versions/{n}", h(&DocumentsService::get_version));
  r.get("/v1/documents/{id}/diff", h(&DocumentsService::diff));
  r.post("/v1/documents/{id}/submit", h(&DocumentsService::submit));
  r.post("/v1/documents/{id}/approvals", h(&DocumentsService::approve));
  r.post("/v1/documents/{id}/agree", h(&DocumentsService::agree));
  r.post("/v1/documents/{id}/signing", h(&DocumentsService::link_signing));
  r.get("/v1/documents/{id}/signing-payload", h(&DocumentsService::signing_payload));
  r.post("/v1/documents/{id}/signatures", h(&DocumentsService::sign));
  r.post("/v1/documents/{id}/signatories", h(&DocumentsService::change_signatories));
  r.post("/v1/documents/{id}/entry-into-force", h(&DocumentsService::entry_into_force));
  r.post("/v1/documents/{id}/notifications", h(&DocumentsService::notify));
  r.post("/v1/documents/{id}/withdraw", h(&DocumentsService::withdraw));
  r.get("/v1/documents/{id}/audit", h(&DocumentsService::audit));
  r.get("/v1/documents/{id}/certificate", h(&DocumentsService::certificate));
  // A member is the one linked to the caller's identity, in the delegation the state says.
  api::mount_resolving(outer, r, [this](http::Request& request) {
    return store_.read([&](const State& s) {
      return api::resolve_caller(request, s.identities, [&](const std::string& id) -> std::optional<std::string> {
        auto m = s.members.find(id);
        if (m == s.members.end()) return std::nullopt;
        return m->second.delegation_id;
      });
    });
  });
}

const Document& DocumentsService::as_read(const State& s, const Document& doc, std::optional<Document>& scratch) {
  Context ctx{context_.clock.now(), Actor{}, [this] { return context_.ids.next(); }};
  auto decided = due_steps(s, doc, ctx);
  if (decided.empty()) return doc;
  scratch = doc;
  for (const auto& f : decided) evolve_document(*scratch, f);
  settler_.request();
  return *scratch;
}

Context DocumentsService::context_for(const http::Request& req) {
  return Context{context_.clock.now(), actor_of(req), [this] { return context_.ids.next(); }};
}

template <class F>
Result<http::Response> DocumentsService::read_document(http::Request& req, F&& render) {
  auto actor = actor_of(req);
  std::string id(req.param("id"));
  return store_.read([&](const State& s) -> Result<http::Response> {
    const Document* doc = s.find(id);
    if (!doc || !may_read(*doc, actor)) return fail(Error::not_found("no document " + id));
    std::optional<Document> scratch;
    return render(as_read(s, *doc, scratch), s);
  });
}

Result<http::Response> DocumentsService::commit(http::Request& req, const Command& command, int status) {
  auto ctx = context_for(req);
  auto cause = api::cause_of(req);
  std::string id(req.param("id"));
  auto written = store_.write([&](const State& s) -> Result<std::vector<service::Append>> {
    if (const Document* doc = s.find(id); doc && may_read(*doc, ctx.actor))
      if (auto st = api::check_if_match(req, doc->version, false); !st) return fail(st.error());
    auto decided = decide(s, id, command, ctx);
    if (!decided) return fail(decided.error());
    return appends_of(id, *decided, cause);
  });
  if (!written) return fail(written.error());
  return store_.read([&](const State& s) -> Result<http::Response> {
    const Document& doc = *s.find(id);
    return api::json(status, render_document(doc), doc.version);
  });
}

Result<http::Response> DocumentsService::create(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"title", "kind", "visit_id", "parties", "signatories", "languages"});
  CreateDocument c;
  auto title = r.localized("title");
  auto kind = r.one_of("kind", kKinds);
  auto visit = r.uuid("visit_id");
  auto parties = r.uuid_list("parties", Need::required, 20);
  auto languages = r.string_list("languages", Need::required, 10, 35);
  // Errors inside arrays carry their own full pointers (Reader::add_error escapes a field name).
  std::vector<FieldError> nested;
  if (languages)
    for (size_t i = 0; i < languages->size(); ++i)
      if (!json_input::is_bcp47((*languages)[i]))
        nested.push_back({"/languages/" + std::to_string(i), "must be a BCP 47 language tag"});
  if (const auto* list = r.array("signatories")) {
    if (list->size() > 100) r.add_error("signatories", "must hold at most 100 items");
    for (size_t i = 0; i < list->size() && i < 100; ++i) {
      std::string where = "/signatories/" + std::to_string(i);
      if (!(*list)[i].is_object()) {
        nested.push_back({where, "must be an object {delegation_id, member_id}"});
        continue;
      }
      Reader item((*list)[i], where);
      item.refuse_unknown({"delegation_id", "member_id"});
      auto d = item.uuid("delegation_id");
      auto m = item.uuid("member_id");
      nested.insert(nested.end(), item.errors().begin(), item.errors().end());
      if (d && m) c.signatories.push_back({*d, *m});
    }
  }
  if (!r.ok() || !nested.empty()) {
    std::vector<FieldError> all = r.errors();
    all.insert(all.end(), nested.begin(), nested.end());
    return fail(Error::validation(std::move(all)));
  }
  c.title = *title;
  c.kind = *kind;
  c.visit_id = *visit;
  c.parties = *parties;
  c.languages = *languages;

  auto ctx = context_for(req);
  auto cause = api::cause_of(req);
  std::string id;
  auto written = store_.write([&](const State& s) -> Result<std::vector<service::Append>> {
    auto decided = decide_create(s, c, ctx);
    if (!decided) return fail(decided.error());
    id = decided->front().subject.substr(9);
    return appends_of(id, *decided, cause);
  });
  if (!written) return fail(written.error());
  return store_.read([&](const State& s) -> Result<http::Response> {
    const Document& doc = *s.find(id);
    return api::json(201, render_document(doc), doc.version, "/v1/documents/" + id);
  });
}

Result<http::Response> DocumentsService::list(http::Request& req) {
  auto page = api::page_of(req);
  if (!page) return fail(page.error());
  auto visit = req.query_param("visit_id");
  auto status = req.query_param("status");
  if (visit && !is_uuid(*visit)) return fail(Error::validation("/visit_id", "must be a UUID"));
  if (status && !parse_status(*status))
    return fail(Error::validation("/status",
                                  "must be one of: draft, under_approval, rejected, agreed, signing_scheduled, "
                                  "partially_signed, signed, in_force, withdrawn"));
  auto actor = actor_of(req);
  auto wanted = status ? parse_status(*status) : std::nullopt;
  return store_.read([&](const State& s) -> Result<http::Response> {
    // The narrowest index the filters allow; the other filter and the caller's rights are
    // checked per item. A document owed a step is listed as it will be once the step is in,
    // rendered on the spot; any other is listed from the bytes kept beside it.
    static const std::set<std::string> none;
    auto in = [&](const auto& index, const auto& key) -> const std::set<std::string>& {
      auto it = index.find(key);
      return it == index.end() ? none : it->second;
    };
    std::optional<Document> scratch;
    const Document* shown = nullptr;  // the item keep() last looked at, as read now
    auto keep = [&](const std::string& id) {
      shown = &as_read(s, s.documents.at(id), scratch);
      return may_read(*shown, actor) && (!visit || shown->visit_id == *visit) && (!wanted || shown->status == *wanted);
    };
    std::string rendered_now;
    auto bytes = [&](const std::string& id) -> std::string_view {
      const Document& stored = s.documents.at(id);  // keep(id) has just set `shown`
      if (shown == &stored) return stored.rendered.get([&] { return snapshot(stored); });
      rendered_now = json_bytes(snapshot(*shown));
      return rendered_now;
    };
    // A delegation member reads their delegation's documents only: those it is a party to.
    bool reads_all = actor.officer || actor.integrator || actor.country;
    if (!reads_all && actor.delegation_id)
      return api::json_text(200, api::keyset_page_bytes(in(s.by_party, *actor.delegation_id), *page, keep, bytes));
    if (visit && wanted)
      return api::json_text(
          200, api::keyset_page_bytes(in(s.by_visit_status, std::pair(*visit, *wanted)), *page, keep, bytes));
    if (visit) return api::json_text(200, api::keyset_page_bytes(in(s.by_visit, *visit), *page, keep, bytes));
    if (wanted) return api::json_text(200, api::keyset_page_bytes(in(s.by_status, *wanted), *page, keep, bytes));
    return api::json_text(200, api::keyset_page_bytes(
                                   s.documents, *page, [&](const auto& entry) { return keep(entry.first); },
                                   [&](const auto& entry) { return bytes(entry.first); }));
  });
}

Result<http::Response> DocumentsService::get(http::Request& req) {
  return read_document(req, [](const Document& doc, const State&) -> Result<http::Response> {
    return api::json(200, render_document(doc), doc.version);
  });
}

Result<http::Response> DocumentsService::update(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"title"});
  auto title = r.localized("title");
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req, UpdateDocument{*title});
}

Result<http::Response> DocumentsService::add_version(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"language", "content"});
  auto language = r.string("language", Need::required, 35);
  if (language && !json_input::is_bcp47(*language)) r.add_error("language", "must be a BCP 47 language tag");
  auto content = r.string("content", Need::required, kMaxContentBytes);
  if (auto st = r.finish(); !st) return fail(st.error());
  auto response = commit(req, AddVersion{*language, *content}, 201);
  if (!response) return response;
  auto doc = nlohmann::json::parse(response->body);
  long long number = doc["versions"].back()["number"].get<long long>();
  response->headers.set("Location",
                        "/v1/documents/" + std::string(req.param("id")) + "/versions/" + std::to_string(number));
  response->body = doc["versions"].back().dump();
  return response;
}

Result<http::Response> DocumentsService::list_versions(http::Request& req) {
  auto page = api::page_of(req);
  if (!page) return fail(page.error());
  auto language = req.query_param("language");
  return read_document(req, [&](const Document& doc, const State&) -> Result<http::Response> {
    // Versions are kept in number order, a language's positions in the same order: the page
    // starts just after the cursor's number, found by binary search. The cursor is that number.
    auto key_of = [](const Version& v) { return SortKey().add(v.number).str(); };
    auto before_page = [&](const Version& v) { return page->after && key_of(v) <= *page->after; };
    if (!language) {
      auto first = std::partition_point(doc.versions.begin(), doc.versions.end(), before_page);
      return api::json(200, api::keyset_page(first, doc.versions.end(), *page, key_of, api::keep_all,
                                             [](const Version& v) { return render_version(v, false); }));
    }
    static const std::vector<size_t> none;
    auto positions = doc.versions_by_language.find(*language);
    const auto& of_language = positions == doc.versions_by_language.end() ? none : positions->second;
    auto first = std::partition_point(of_language.begin(), of_language.end(),
                                      [&](size_t i) { return before_page(doc.versions[i]); });
    return api::json(200, api::keyset_page(
                              first, of_language.end(), *page, [&](size_t i) { return key_of(doc.versions[i]); },
                              api::keep_all, [&](size_t i) { return render_version(doc.versions[i], false); }));
  });
}

Result<http::Response> DocumentsService::get_version(http::Request& req) {
  auto n = number_param(req.param("n"), "/n");
  if (!n) return fail(Error::not_found("no version " + std::string(req.param("n"))));
  return read_document(req, [&](const Document& doc, const State&) -> Result<http::Response> {
    const Version* v = doc.find_version(*n);
    if (!v) return fail(Error::not_found("the document has no version " + std::to_string(*n)));
    auto r = api::json(200, render_version(*v, true));
    r.headers.set("ETag", "\"" + v->sha256 + "\"");
    return r;
  });
}

Result<http::Response> DocumentsService::diff(http::Request& req) {
  auto from_text = req.query_param("from");
  auto to_text = req.query_param("to");
  std::vector<FieldError> errors;
  Result<long long> from = fail(Error::validation("/from", "required")),
                    to = fail(Error::validation("/to", "required"));
  if (from_text) from = number_param(*from_text, "/from");
  if (to_text) to = number_param(*to_text, "/to");
  if (!from) errors.push_back({"/from", from_text ? "must be a version number (1, 2, ...)" : "is required"});
  if (!to) errors.push_back({"/to", to_text ? "must be a version number (1, 2, ...)" : "is required"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  return read_document(req, [&](const Document& doc, const State&) -> Result<http::Response> {
    const Version* a = doc.find_version(*from);
    const Version* b = doc.find_version(*to);
    std::vector<FieldError> missing;
    if (!a) missing.push_back({"/from", "the document has no version " + std::to_string(*from)});
    if (!b) missing.push_back({"/to", "the document has no version " + std::to_string(*to)});
    if (!missing.empty()) return fail(Error::validation(std::move(missing)));
    if (a->language != b->language)
      return fail(Error::validation("/to", "version " + std::to_string(*to) + " is in " + b->language + ", version " +
                                               std::to_string(*from) + " in " + a->language +
                                               ": a diff compares two versions of one language"));
    auto d = diff_lines(*a->content, *b->content);
    auto body = diff_json(d);
    body["language"] = a->language;
    body["from"] = render_version(*a, false);
    body["to"] = render_version(*b, false);
    return api::json(200, body);
  });
}

Result<http::Response> DocumentsService::submit(http::Request& req) {
  return commit(req, Submit{});
}
Result<http::Response> DocumentsService::agree(http::Request& req) {
  return commit(req, Agree{});
}

Result<http::Response> DocumentsService::approve(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"delegation_id", "decision", "comment"});
  auto delegation = r.uuid("delegation_id");
  auto decision = r.one_of("decision", {"approve", "reject"});
  auto comment = r.string("comment", Need::optional, 2000);
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req, RecordApproval{*delegation, *decision, comment.value_or("")});
}

Result<http::Response> DocumentsService::link_signing(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"meeting_id"});
  auto meeting = r.uuid("meeting_id");
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req, LinkSigning{*meeting});
}

Result<http::Response> DocumentsService::sign(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"member_id", "method", "signature", "signed_at", "place"});
  auto member = r.uuid("member_id");
  auto method = r.one_of("method", {"wet_ink", "ed25519"});
  bool digital = method && *method == "ed25519";
  auto signature = r.string("signature", digital ? Need::required : Need::optional, 200);
  if (method && *method == "wet_ink" && signature && !signature->empty())
    r.add_error("signature", "a wet-ink signature carries no digital signature");
  auto signed_at = r.time("signed_at", digital ? Need::required : Need::optional);
  auto place = r.string("place", Need::optional, 200);
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req,
                RecordSignature{*member, *method, signature.value_or(""), signed_at.value_or(context_.clock.now()),
                                place.value_or("")},
                201);
}

Result<http::Response> DocumentsService::signing_payload(http::Request& req) {
  auto member = req.query_param("member_id");
  auto signed_at_text = req.query_param("signed_at");
  std::vector<FieldError> errors;
  if (!member || !is_uuid(*member)) errors.push_back({"/member_id", member ? "must be a UUID" : "is required"});
  std::optional<Timestamp> signed_at;
  if (!signed_at_text) {
    errors.push_back(
        {"/signed_at", "is required (RFC 3339 with an offset): the time you will submit with the signature"});
  } else if (auto t = parse_rfc3339(*signed_at_text); !t) {
    errors.push_back({"/signed_at", "must be an RFC 3339 time with an offset"});
  } else {
    signed_at = *t;
  }
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  auto actor = actor_of(req);
  if (!actor.officer && actor.member_id != *member)
    return fail(Error::forbidden("a member fetches only their own signing payload"));
  return read_document(req, [&](const Document& doc, const State&) -> Result<http::Response> {
    auto payload = documents::signing_payload(doc, *member, *signed_at);
    if (!payload) return fail(payload.error());
    auto r = http::Response::text(200, *payload, "application/octet-stream");
    r.headers.set("X-Concord-Signed-At", format_rfc3339_utc(*signed_at));
    return r;
  });
}

Result<http::Response> DocumentsService::change_signatories(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"delegation_id", "member_ids"});
  auto delegation = r.uuid("delegation_id");
  auto members = r.uuid_list("member_ids", Need::required, 20);
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req, ChangeSignatories{*delegation, *members});
}

Result<http::Response> DocumentsService::entry_into_force(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"rule", "date", "days"});
  auto rule = r.one_of("rule", {"on_signature", "on_date", "after_notifications"});
  auto date = r.date("date", rule && *rule == "on_date" ? Need::required : Need::optional);
  auto days = r.integer("days", 0, 3650, rule && *rule == "after_notifications" ? Need::required : Need::optional);
  if (rule && *rule != "on_date" && r.has("date")) r.add_error("date", "only the on_date rule takes a date");
  if (rule && *rule != "after_notifications" && r.has("days"))
    r.add_error("days", "only the after_notifications rule takes days");
  if (auto st = r.finish(); !st) return fail(st.error());
  SetEntryIntoForce c;
  c.rule = *rule == "on_date"               ? Rule::on_date
           : *rule == "after_notifications" ? Rule::after_notifications
                                            : Rule::on_signature;
  c.date = date;
  c.days = static_cast<int>(days.value_or(0));
  return commit(req, c);
}

Result<http::Response> DocumentsService::notify(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"delegation_id", "notified_on"});
  auto delegation = r.uuid("delegation_id");
  auto notified_on = r.date("notified_on");
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req, RecordNotification{*delegation, *notified_on}, 201);
}

Result<http::Response> DocumentsService::withdraw(http::Request& req) {
  auto body = body_of(req);
  if (!body) return fail(body.error());
  Reader r(*body);
  r.refuse_unknown({"reason"});
  auto reason = r.string("reason", Need::required, 2000);
  if (auto st = r.finish(); !st) return fail(st.error());
  return commit(req, Withdraw{*reason});
}

Result<http::Response> DocumentsService::audit(http::Request& req) {
  return read_document(req, [](const Document& doc, const State&) -> Result<http::Response> {
    return api::json(200, render_audit(doc), doc.version);
  });
}

Result<http::Response> DocumentsService::certificate(http::Request& req) {
  return read_document(req, [this](const Document& doc, const State&) -> Result<http::Response> {
    if (doc.status != DocStatus::signed_ && doc.status != DocStatus::in_force)
      return fail(
          Error::conflict("a certificate of completion exists once every signatory has signed; the document is " +
                              to_string(doc.status),
                          {{"document_status", to_string(doc.status)}, {"allowed_actions", allowed_actions(doc)}}));
    return api::json(200, render_certificate(doc, context_.clock.now()), doc.version);
  });
}

}  // namespace concord::documents
