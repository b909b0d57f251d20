// decide: every rule of the documents workflow. Each command becomes events on a working copy of
// the document (so later events of one command see the earlier ones), each event sealed with the
// post-state snapshot and its place in the audit chain.
#include "documents/domain/decide.hpp"

#include <algorithm>
#include <set>

#include "concord/crypto/crypto.hpp"

namespace concord::documents {

namespace {

using Outcome = ::concord::Status;  // success or an Error (not the document's status)

const std::string kPrefix(contract::kPrefix);

// The new events of one document, built on a working copy.
class Draft {
 public:
  Draft(Document base, const Context& ctx) : work_(std::move(base)), ctx_(ctx) {}

  // verb: "document.submitted" etc. Chunks of content carry no snapshot (they do not change it).
  void add(const std::string& verb, nlohmann::json data, bool with_snapshot = true) {
    NewEvent f;
    f.id = ctx_.new_id();
    f.type = kPrefix + verb;
    f.subject = "document/" + work_.id;
    f.sequence = work_.version + 1;
    f.time = ctx_.now;
    f.actor = ctx_.actor.subject;
    f.data = std::move(data);
    f.data["previous_hash"] = work_.head_hash.empty() ? std::string(kGenesisHash) : work_.head_hash;
    if (with_snapshot) {
      Document after = work_;
      evolve_document(after, f);
      f.data["document"] = snapshot(after);
    }
    f.data["hash"] = chain_hash(f);
    evolve_document(work_, f);
    events_.push_back(std::move(f));
  }

  const Document& doc() const { return work_; }
  Decision take() { return std::move(events_); }

 private:
  Document work_;
  const Context& ctx_;
  Decision events_;
};

nlohmann::json conflict_extensions(const Document& doc) {
  return {{"document_status", to_string(doc.status)}, {"allowed_actions", allowed_actions(doc)}};
}

// The state forbids the step: 409 naming the steps it allows.
Error illegal(const Document& doc, std::string_view action) {
  auto allowed = allowed_actions(doc);
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return Error::conflict("cannot " + std::string(action) + " a document that is " + to_string(doc.status) +
                             (allowed.empty() ? "; no step is allowed any more" : "; allowed: " + list),
                         conflict_extensions(doc));
}

// The status allows the step, but something it needs does not hold: 409 with the details.
Error unmet(const Document& doc, std::string detail, nlohmann::json extra = nlohmann::json::object()) {
  auto ext = conflict_extensions(doc);
  ext.update(extra);
  return Error::conflict(std::move(detail), std::move(ext));
}

bool allows(const Document& doc, std::string_view action) {
  auto a = allowed_actions(doc);
  return std::find(a.begin(), a.end(), action) != a.end();
}

Outcome require_officer(const Context& ctx, std::string_view what) {
  if (ctx.actor.officer) return {};
  return fail(Error::forbidden("only a protocol officer may " + std::string(what)));
}

// A party's own decisions: host officers and admins for every party, a delegation officer for
// the delegations of their country (as the delegations topic says, never the token).
Outcome require_party_officer(const Context& ctx, const State& state, const std::string& delegation_id,
                              std::string_view what) {
  if (ctx.actor.officer) return {};
  if (!ctx.actor.country) return fail(Error::forbidden("only a protocol officer may " + std::string(what)));
  auto it = state.delegations.find(delegation_id);
  if (it != state.delegations.end() && it->second.country == *ctx.actor.country) return {};
  return fail(Error::forbidden("a delegation officer of " + *ctx.actor.country + " may " + std::string(what) +
                               " only for their own delegation"));
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Days today(Timestamp now) {
  return std::chrono::floor<std::chrono::days>(now);
}

// After the events of a command: signed when every signatory has signed, in force when due.
void complete(Draft& draft, Timestamp now) {
  const Document& doc = draft.doc();
  if ((doc.status == DocStatus::signing_scheduled || doc.status == DocStatus::partially_signed) &&
      !doc.signatories.empty() && std::all_of(doc.signatories.begin(), doc.signatories.end(), [&](const Signatory& s) {
        return doc.signature_of(s.member_id) != nullptr;
      })) {
    Timestamp last{};
    for (const auto& s : doc.signatures) last = std::max(last, s.signed_at);
    draft.add("document.signed", {{"signed_on", format_date(today(last))}});
  }
  if (in_force_due(draft.doc(), now)) {
    Days date = *entry_into_force_date(draft.doc());
    if (draft.doc().signed_on) date = std::max(date, *draft.doc().signed_on);
    draft.add("document.in_force",
              {{"date", format_date(date)}, {"rule", to_string(draft.doc().entry_into_force->rule)}});
  }
}

std::string approve_or_reject(const RecordApproval& c) {
  return c.decision == "reject" ? "reject" : "approve";
}

// --- one function per command ---

Outcome update(Draft& d, const UpdateDocument& c, const Context& ctx) {
  if (auto st = require_officer(ctx, "update a document"); !st) return st;
  if (!allows(d.doc(), "update")) return fail(illegal(d.doc(), "update"));
  d.add("document.updated", {{"title", c.title}, {"changed", {"title"}}});
  return {};
}

Outcome add_version(Draft& d, const AddVersion& c, const Context& ctx) {
  if (auto st = require_officer(ctx, "add a version"); !st) return st;
  if (!allows(d.doc(), "add_version")) return fail(illegal(d.doc(), "add a version to"));
  if (!contains(d.doc().languages, c.language))
    return fail(
        Error::validation("/language", "the document's languages are " + nlohmann::json(d.doc().languages).dump()));
  if (c.content.empty()) return fail(Error::validation("/content", "the content is empty"));
  if (c.content.size() > kMaxContentBytes)
    return fail(Error::validation("/content", "the content is larger than 2 MiB"));
  long long number = d.doc().versions.empty() ? 1 : d.doc().versions.back().number + 1;
  // The content in chunks cut on UTF-8 character boundaries.
  std::vector<std::string_view> chunks;
  std::string_view rest = c.content;
  while (!rest.empty()) {
    size_t n = std::min(rest.size(), kContentChunkBytes);
    while (n < rest.size() && n > 0 && (static_cast<unsigned char>(rest[n]) & 0xC0) == 0x80) --n;
    chunks.push_back(rest.substr(0, n));
    rest.remove_prefix(n);
  }
  for (size_t i = 0; i < chunks.size(); ++i)
    d.add("version.content_added",
          {{"document_id", d.doc().id},
           {"language", c.language},
           {"number", number},
           {"chunk", i},
           {"chunks", chunks.size()},
           {"content", std::string(chunks[i])}},
          false);
  d.add("version.added", {{"language", c.language},
                          {"number", number},
                          {"sha256", crypto::sha256_hex(c.content)},
                          {"size", c.content.size()},
                          {"chunks", chunks.size()}});
  return {};
}

Outcome submit(Draft& d, const Context& ctx) {
  if (auto st = require_officer(ctx, "submit a document"); !st) return st;
  if (!allows(d.doc(), "submit")) return fail(illegal(d.doc(), "submit"));
  std::vector<std::string> missing;
  for (const auto& language : d.doc().languages)
    if (!d.doc().latest.contains(language)) missing.push_back(language);
  if (!missing.empty())
    return fail(
        unmet(d.doc(), "every authentic language needs a version before submission", {{"missing_languages", missing}}));
  d.add("document.submitted", nlohmann::json::object());
  return {};
}

Outcome record_approval(Draft& d, const RecordApproval& c, const State& state, const Context& ctx) {
  if (auto st = require_party_officer(ctx, state, c.delegation_id, "record a party's decision"); !st) return st;
  auto action = approve_or_reject(c);
  if (!allows(d.doc(), action)) return fail(illegal(d.doc(), action));
  if (!contains(d.doc().parties, c.delegation_id))
    return fail(Error::validation("/delegation_id", "the delegation is not a party to the document"));
  if (c.decision == "reject" && c.comment.empty())
    return fail(Error::validation("/comment", "a rejection needs a comment saying why"));
  nlohmann::json versions = nlohmann::json::object();
  for (const auto& [language, ref] : d.doc().latest) versions[language] = ref.number;
  d.add("approval.recorded",
        {{"delegation_id", c.delegation_id}, {"decision", c.decision}, {"comment", c.comment}, {"versions", versions}});
  if (c.decision == "reject") d.add("document.rejected", {{"delegation_id", c.delegation_id}, {"comment", c.comment}});
  return {};
}

bool approves_latest(const Document& doc, const std::string& party) {
  auto it = doc.approvals.find(party);
  if (it == doc.approvals.end() || it->second.decision != "approve") return false;
  for (const auto& language : doc.languages) {
    auto latest = doc.latest.find(language);
    auto approved = it->second.versions.find(language);
    if (latest == doc.latest.end() || approved == it->second.versions.end() ||
        approved->second != latest->second.number)
      return false;
  }
  return true;
}

Outcome agree(Draft& d, const Context& ctx) {
  if (auto st = require_officer(ctx, "agree a document"); !st) return st;
  if (!allows(d.doc(), "agree")) return fail(illegal(d.doc(), "agree"));
  std::vector<std::string> missing;
  for (const auto& party : d.doc().parties)
    if (!approves_latest(d.doc(), party)) missing.push_back(party);
  if (!missing.empty())
    return fail(unmet(d.doc(), "every party must approve the latest version of every language first",
                      {{"missing_approvals", missing}}));
  nlohmann::json agreed = nlohmann::json::object();
  for (const auto& [language, ref] : d.doc().latest)
    agreed[language] = {{"number", ref.number}, {"sha256", ref.sha256}};
  d.add("document.agreed", {{"agreed_versions", agreed}});
  return {};
}

Outcome link_signing(Draft& d, const LinkSigning& c, const State& state, const Context& ctx) {
  if (auto st = require_officer(ctx, "schedule a signing"); !st) return st;
  if (!allows(d.doc(), "schedule_signing")) return fail(illegal(d.doc(), "schedule the signing of"));
  auto it = state.meetings.find(c.meeting_id);
  if (it == state.meetings.end())
    return fail(Error::validation("/meeting_id", "no such meeting is known from scheduling"));
  const auto& m = it->second;
  if (m.kind != "signing_ceremony")
    return fail(Error::validation("/meeting_id", "the meeting is a " + m.kind + ", not a signing_ceremony"));
  if (m.status != "scheduled") return fail(Error::validation("/meeting_id", "the meeting is " + m.status));
  if (m.visit_id != d.doc().visit_id)
    return fail(Error::validation("/meeting_id", "the meeting belongs to another visit than the document"));
  d.add("signing.scheduled",
        {{"meeting_id", m.id}, {"start", format_rfc3339_utc(m.start)}, {"end", format_rfc3339_utc(m.end)}});
  return {};
}

std::optional<std::string> raw_public_key(const std::string& base64) {
  auto raw = crypto::base64_decode(base64);
  if (!raw) return std::nullopt;
  // Also accepted: the DER SubjectPublicKeyInfo of an Ed25519 key (what `openssl pkey -pubout
  // -outform DER` writes): a fixed 12-byte prefix and the 32-byte key.
  static const std::string spki_prefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
  if (raw->size() == 44 && raw->starts_with(spki_prefix)) return raw->substr(12);
  if (raw->size() == 32) return raw;
  return std::nullopt;
}

Outcome record_signature(Draft& d, const RecordSignature& c, const State& state, const Context& ctx) {
  const Document& doc = d.doc();
  if (c.method == "ed25519") {
    if (!ctx.actor.member_id || *ctx.actor.member_id != c.member_id)
      return fail(Error::forbidden("only a designated signatory signs digitally, and only for themself"));
    if (!doc.is_signatory(c.member_id))
      return fail(Error::forbidden("only a designated signatory signs digitally: you are not one for this document"));
  } else if (auto st = require_officer(ctx, "record a wet-ink signature"); !st) {
    return st;
  }
  if (!allows(doc, "sign")) return fail(illegal(doc, "sign"));
  auto signatory = std::find_if(doc.signatories.begin(), doc.signatories.end(),
                                [&](const Signatory& s) { return s.member_id == c.member_id; });
  if (signatory == doc.signatories.end())
    return fail(Error::validation("/member_id", "the member is not a designated signatory of this document"));
  if (doc.signature_of(c.member_id))
    return fail(unmet(doc, "the member has already signed the document", {{"member_id", c.member_id}}));
  if (c.signed_at > ctx.now + kSigningClockSkew)
    return fail(Error::validation("/signed_at", "the signing time is in the future"));
  if (c.signed_at < ctx.now - kSigningMaxAge)
    return fail(Error::validation("/signed_at", "the signing time is more than 24 hours in the past"));
  // (to the second: signing times are usually written without fractions)
  if (doc.agreed_at && c.signed_at < std::chrono::floor<std::chrono::seconds>(*doc.agreed_at))
    return fail(Error::validation("/signed_at", "the signing time is before the text was agreed"));
  nlohmann::json signature = nullptr;
  if (c.method == "ed25519") {
    auto member = state.members.find(c.member_id);
    if (member == state.members.end() || member->second.public_key.empty())
      return fail(unmet(doc, "no Ed25519 public key is registered for the member in delegations"));
    if (member->second.status == "withdrawn") return fail(unmet(doc, "the member has withdrawn from the delegation"));
    auto key = raw_public_key(member->second.public_key);
    if (!key) return fail(unmet(doc, "the public key registered for the member is not an Ed25519 key"));
    auto raw = crypto::base64_decode(c.signature);
    if (!raw) return fail(Error::validation("/signature", "the signature is not standard base64"));
    if (raw->size() != 64) return fail(Error::validation("/signature", "an Ed25519 signature is 64 bytes"));
    auto payload = signing_payload(doc, c.member_id, c.signed_at);
    if (!payload) return fail(payload.error());
    if (!crypto::ed25519_verify(*key, *payload, *raw))
      return fail(Error::validation("/signature",
                                    "the signature does not verify: it must be the member's Ed25519 signature of the "
                                    "signing payload of this document's agreed text for this member and signed_at"));
    signature = c.signature;
  }
  d.add("signature.recorded", {{"member_id", c.member_id},
                               {"delegation_id", signatory->delegation_id},
                               {"method", c.method},
                               {"signed_at", format_rfc3339_utc(c.signed_at)},
                               {"place", c.place},
                               {"signature", signature}});
  return {};
}

Outcome change_signatories(Draft& d, const ChangeSignatories& c, const State& state, const Context& ctx) {
  if (auto st = require_party_officer(ctx, state, c.delegation_id, "change signatories"); !st) return st;
  const Document& doc = d.doc();
  if (!allows(doc, "change_signatories")) return fail(illegal(doc, "change the signatories of"));
  if (!contains(doc.parties, c.delegation_id))
    return fail(Error::validation("/delegation_id", "the delegation is not a party to the document"));
  std::vector<FieldError> errors;
  std::set<std::string> wanted;
  for (size_t i = 0; i < c.member_ids.size(); ++i) {
    const auto& m = c.member_ids[i];
    auto pointer = "/member_ids/" + std::to_string(i);
    auto it = state.members.find(m);
    if (!wanted.insert(m).second)
      errors.push_back({pointer, "listed twice"});
    else if (it == state.members.end())
      errors.push_back({pointer, "no such member is known from delegations"});
    else if (it->second.delegation_id != c.delegation_id)
      errors.push_back({pointer, "the member belongs to another delegation"});
    else if (it->second.status == "withdrawn")
      errors.push_back({pointer, "the member has withdrawn"});
  }
  if (wanted.empty()) errors.push_back({"/member_ids", "a party needs at least one signatory"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  std::vector<std::string> added, removed;
  for (const auto& s : doc.signatories)
    if (s.delegation_id == c.delegation_id && !wanted.contains(s.member_id)) removed.push_back(s.member_id);
  for (const auto& m : c.member_ids)
    if (!doc.is_signatory(m)) added.push_back(m);
  for (const auto& m : removed)
    if (doc.signature_of(m))
      return fail(unmet(doc, "a signatory who has signed cannot be removed", {{"member_id", m}}));
  if (added.empty() && removed.empty()) return {};
  d.add("signatory.changed", {{"delegation_id", c.delegation_id}, {"added", added}, {"removed", removed}});
  return {};
}

Outcome set_entry_into_force(Draft& d, const SetEntryIntoForce& c, const Context& ctx) {
  if (auto st = require_officer(ctx, "set the entry-into-force rule"); !st) return st;
  if (!allows(d.doc(), "set_entry_into_force")) return fail(illegal(d.doc(), "set the entry into force of"));
  nlohmann::json data = {{"rule", to_string(c.rule)}, {"date", nullptr}};
  if (c.rule == Rule::on_date) {
    if (!c.date) return fail(Error::validation("/date", "the on_date rule needs a date"));
    if (*c.date < today(ctx.now)) return fail(Error::validation("/date", "the date is in the past"));
    data["date"] = format_date(*c.date);
  }
  if (c.rule == Rule::after_notifications) {
    if (c.days < 0 || c.days > 3650)
      return fail(Error::validation("/days", "the after_notifications rule needs days from 0 to 3650"));
    data["days"] = c.days;
  }
  d.add("entry_into_force.set", std::move(data));
  return {};
}

Outcome record_notification(Draft& d, const RecordNotification& c, const Context& ctx) {
  if (auto st = require_officer(ctx, "record a party's notification"); !st) return st;
  const Document& doc = d.doc();
  if (!allows(doc, "record_notification")) return fail(illegal(doc, "record a notification on"));
  if (!contains(doc.parties, c.delegation_id))
    return fail(Error::validation("/delegation_id", "the delegation is not a party to the document"));
  if (c.notified_on > today(ctx.now)) return fail(Error::validation("/notified_on", "the date is in the future"));
  if (doc.signed_on && c.notified_on < *doc.signed_on)
    return fail(Error::validation("/notified_on", "the date is before the document was signed"));
  if (doc.notifications.contains(c.delegation_id))
    return fail(unmet(doc, "the party's notification is already recorded", {{"delegation_id", c.delegation_id}}));
  d.add("party_notification.recorded",
        {{"delegation_id", c.delegation_id}, {"notified_on", format_date(c.notified_on)}});
  return {};
}

Outcome withdraw(Draft& d, const Withdraw& c, const Context& ctx) {
  if (auto st = require_officer(ctx, "withdraw a document"); !st) return st;
  if (!allows(d.doc(), "withdraw")) return fail(illegal(d.doc(), "withdraw"));
  if (c.reason.empty()) return fail(Error::validation("/reason", "a withdrawal needs a reason"));
  d.add("document.withdrawn", {{"reason", c.reason}});
  return {};
}

}  // namespace

Result<Decision> decide_create(const State& state, const CreateDocument& c, const Context& ctx) {
  if (auto st = require_officer(ctx, "create a document"); !st) return fail(st.error());
  std::vector<FieldError> errors;
  std::set<std::string> parties;
  for (size_t i = 0; i < c.parties.size(); ++i) {
    auto pointer = "/parties/" + std::to_string(i);
    auto it = state.delegations.find(c.parties[i]);
    if (!parties.insert(c.parties[i]).second)
      errors.push_back({pointer, "listed twice"});
    else if (it == state.delegations.end())
      errors.push_back({pointer, "no such delegation is known from delegations"});
    else if (it->second.visit_id != c.visit_id)
      errors.push_back({pointer, "the delegation belongs to another visit"});
  }
  if (parties.empty()) errors.push_back({"/parties", "a document needs at least one party"});
  std::set<std::string> members, with_signatory;
  for (size_t i = 0; i < c.signatories.size(); ++i) {
    const auto& s = c.signatories[i];
    auto pointer = "/signatories/" + std::to_string(i);
    auto it = state.members.find(s.member_id);
    if (!parties.contains(s.delegation_id))
      errors.push_back({pointer + "/delegation_id", "not one of the parties"});
    else if (!members.insert(s.member_id).second)
      errors.push_back({pointer + "/member_id", "listed twice"});
    else if (it == state.members.end())
      errors.push_back({pointer + "/member_id", "no such member is known from delegations"});
    else if (it->second.delegation_id != s.delegation_id)
      errors.push_back({pointer + "/member_id", "the member belongs to another delegation"});
    else if (it->second.status == "withdrawn")
      errors.push_back({pointer + "/member_id", "the member has withdrawn"});
    else
      with_signatory.insert(s.delegation_id);
  }
  if (errors.empty())
    for (const auto& p : c.parties)
      if (!with_signatory.contains(p)) errors.push_back({"/signatories", "the party " + p + " has no signatory"});
  std::set<std::string> languages;
  for (size_t i = 0; i < c.languages.size(); ++i)
    if (!languages.insert(c.languages[i]).second) errors.push_back({"/languages/" + std::to_string(i), "listed twice"});
  if (languages.empty()) errors.push_back({"/languages", "a document needs at least one authentic language"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));

  Document doc;
  doc.id = ctx.new_id();
  Draft draft(doc, ctx);
  nlohmann::json signatories = nlohmann::json::array();
  for (const auto& s : c.signatories)
    signatories.push_back({{"delegation_id", s.delegation_id}, {"member_id", s.member_id}});
  // evolve reads a creation from its snapshot; Draft::add fills it from the post-state, so the
  // initial fields travel as the event's own data too.
  draft.add("document.created", {{"document",
                                  {{"visit_id", c.visit_id},
                                   {"kind", c.kind},
                                   {"title", c.title},
                                   {"parties", c.parties},
                                   {"signatories", signatories},
                                   {"languages", c.languages}}}});
  return draft.take();
}

Result<Decision> decide(const State& state, const std::string& document_id, const Command& command,
                        const Context& ctx) {
  const Document* doc = state.find(document_id);
  if (!doc || !may_read(*doc, ctx.actor)) return fail(Error::not_found("no document " + document_id));
  Draft draft(*doc, ctx);
  Outcome st = std::visit(
      [&](const auto& c) -> Outcome {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, UpdateDocument>)
          return update(draft, c, ctx);
        else if constexpr (std::is_same_v<C, AddVersion>)
          return add_version(draft, c, ctx);
        else if constexpr (std::is_same_v<C, Submit>)
          return submit(draft, ctx);
        else if constexpr (std::is_same_v<C, RecordApproval>)
          return record_approval(draft, c, state, ctx);
        else if constexpr (std::is_same_v<C, Agree>)
          return agree(draft, ctx);
        else if constexpr (std::is_same_v<C, LinkSigning>)
          return link_signing(draft, c, state, ctx);
        else if constexpr (std::is_same_v<C, RecordSignature>)
          return record_signature(draft, c, state, ctx);
        else if constexpr (std::is_same_v<C, ChangeSignatories>)
          return change_signatories(draft, c, state, ctx);
        else if constexpr (std::is_same_v<C, SetEntryIntoForce>)
          return set_entry_into_force(draft, c, ctx);
        else if constexpr (std::is_same_v<C, RecordNotification>)
          return record_notification(draft, c, ctx);
        else
          return withdraw(draft, c, ctx);
      },
      command);
  if (!st) return fail(st.error());
  complete(draft, ctx.now);
  return draft.take();
}

namespace {

// The step a moved or cancelled signing ceremony calls for, if any.
Decision ceremony_step(const State& state, const Document& doc, const Context& ctx) {
  if (!doc.signing || (doc.status != DocStatus::signing_scheduled && doc.status != DocStatus::partially_signed))
    return {};
  auto it = state.meetings.find(doc.signing->meeting_id);
  if (it == state.meetings.end()) return {};
  const auto& m = it->second;
  Draft draft(doc, ctx);
  nlohmann::json data = {
      {"meeting_id", m.id}, {"start", format_rfc3339_utc(m.start)}, {"end", format_rfc3339_utc(m.end)}};
  if (m.status == "cancelled") {
    data["reason"] = m.cancel_reason.empty() ? "the signing ceremony was cancelled" : m.cancel_reason;
    draft.add("signing.cancelled", std::move(data));
  } else if (m.start != doc.signing->start || m.end != doc.signing->end) {
    data["previous_start"] = format_rfc3339_utc(doc.signing->start);
    data["previous_end"] = format_rfc3339_utc(doc.signing->end);
    draft.add("signing.rescheduled", std::move(data));
  } else {
    return {};
  }
  return draft.take();
}

Decision in_force_step(const Document& doc, const Context& ctx) {
  if (!in_force_due(doc, ctx.now)) return {};
  Draft draft(doc, ctx);
  complete(draft, ctx.now);
  return draft.take();
}

}  // namespace

std::map<std::string, Decision> follow_ceremonies(const State& state, const Context& ctx) {
  std::map<std::string, Decision> out;
  for (const auto& [id, doc] : state.documents)
    if (auto events = ceremony_step(state, doc, ctx); !events.empty()) out[id] = std::move(events);
  return out;
}

std::map<std::string, Decision> enter_into_force_when_due(const State& state, const Context& ctx) {
  std::map<std::string, Decision> out;
  for (const auto& [id, doc] : state.documents)
    if (auto events = in_force_step(doc, ctx); !events.empty()) out[id] = std::move(events);
  return out;
}

Decision due_steps(const State& state, const Document& doc, const Context& ctx) {
  auto events = ceremony_step(state, doc, ctx);
  return events.empty() ? in_force_step(doc, ctx) : events;
}

}  // namespace concord::documents
