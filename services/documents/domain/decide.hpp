#pragma once
// The documents domain's write side: commands, the context they are decided in, the new events
// (of concord.documents.v1, as the domain sees them) they produce, and evolve, which applies one
// recorded event; the same evolve runs on replay. Every business and authorization rule is
// here. No I/O: the time, new ids and the caller come in through Context.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/time.hpp"
#include "delegations/contract/contract.hpp"
#include "documents/contract/contract.hpp"
#include "documents/domain/model.hpp"
#include "scheduling/contract/contract.hpp"

namespace concord::documents {

inline constexpr std::string_view kTopic = contract::kTopic;
// The topics it follows, by the contracts that own them.
inline constexpr std::string_view kDelegationsTopic = delegations::contract::kTopic;
inline constexpr std::string_view kSchedulingTopic = scheduling::contract::kTopic;
// Followed only for which member each identity (token issuer + subject) is linked to.
inline constexpr std::string_view kDelegationsPrivateTopic = delegations::contract::kPrivateTopic;
inline constexpr size_t kMaxContentBytes = 2 * 1024 * 1024;
// Contents travel in chunks of at most this many bytes (cut on UTF-8 boundaries), so that even a
// content of control characters, escaped six-fold in JSON, keeps every event under the ~1 MB a
// Kafka record may hold by default.
inline constexpr size_t kContentChunkBytes = 128 * 1024;
// A signature's signed_at may be at most this far ahead of the service's clock (skew) ...
inline constexpr std::chrono::seconds kSigningClockSkew{60};
// ... and at most this far behind it.
inline constexpr std::chrono::hours kSigningMaxAge{24};

// One event of a document that decide produced, before its envelope is made: its id, time and
// actor are fixed here, because the audit chain hashes them.
struct NewEvent {
  std::string id;
  std::string type;     // concord.documents.<aggregate>.<verb>
  std::string subject;  // document/<id>
  long long sequence = 0;
  Timestamp time{};
  std::string actor;
  nlohmann::json data = nlohmann::json::object();
};
// What decide returns when it accepts a command: the events of one document, in order.
using Decision = std::vector<NewEvent>;
// A committed event as evolve reads it: the same fields as a new one (the chain hashes them all).
using Recorded = NewEvent;

// The caller, as the domain needs to know it.
struct Actor {
  std::string subject = "system";
  bool officer = false;     // host_officer or admin: every party
  bool integrator = false;  // reads everything, writes nothing
  std::optional<std::string> member_id;
  std::optional<std::string> delegation_id;
  // A delegation_officer: reads everything, and decides for the parties (delegations) of this
  // country only: approvals, rejections, signatory changes.
  std::optional<std::string> country;
};

struct Context {
  Timestamp now{};
  Actor actor;
  std::function<std::string()> new_id;
};

// --- commands ---
struct CreateDocument {
  std::map<std::string, std::string> title;
  std::string kind;
  std::string visit_id;
  std::vector<std::string> parties;
  std::vector<Signatory> signatories;
  std::vector<std::string> languages;
};
struct UpdateDocument {
  std::map<std::string, std::string> title;
};
struct AddVersion {
  std::string language;
  std::string content;
};
struct Submit {};
struct RecordApproval {
  std::string delegation_id;
  std::string decision;  // approve | reject
  std::string comment;
};
struct Agree {};
struct LinkSigning {
  std::string meeting_id;
};
struct RecordSignature {
  std::string member_id;
  std::string method;     // wet_ink | ed25519
  std::string signature;  // base64, ed25519
  Timestamp signed_at{};
  std::string place;
};
struct ChangeSignatories {
  std::string delegation_id;
  std::vector<std::string> member_ids;
};
struct SetEntryIntoForce {
  Rule rule = Rule::on_signature;
  std::optional<Days> date;
  int days = 0;
};
struct RecordNotification {
  std::string delegation_id;
  Days notified_on{};
};
struct Withdraw {
  std::string reason;
};

using Command = std::variant<UpdateDocument, AddVersion, Submit, RecordApproval, Agree, LinkSigning, RecordSignature,
                             ChangeSignatories, SetEntryIntoForce, RecordNotification, Withdraw>;

// A new document (its id from ctx.new_id()).
Result<Decision> decide_create(const State& state, const CreateDocument& command, const Context& ctx);
// A step on an existing document: 404 when it does not exist (or the caller may not see it),
// 403 when the caller may not take it, 409 naming the allowed steps when the state forbids it.
Result<Decision> decide(const State& state, const std::string& document_id, const Command& command, const Context& ctx);

// Steps the service takes on its own, grouped by document (one append each):
// following the linked signing ceremonies (rescheduled → new time; cancelled → back to agreed) ...
std::map<std::string, Decision> follow_ceremonies(const State& state, const Context& ctx);
// ... and entering into force the documents whose date has come.
std::map<std::string, Decision> enter_into_force_when_due(const State& state, const Context& ctx);
// What the service owes one document now (its ceremony moved or cancelled, or its date come),
// which the background loop has not appended yet. Reads show the document with these applied.
Decision due_steps(const State& state, const Document& doc, const Context& ctx);
bool in_force_due(const Document& doc, Timestamp now);

void evolve(State& state, const Recorded& event);
void evolve_document(Document& doc, const Recorded& event);  // doc.id already set
// Rebuilds the indexes evolve keeps that a snapshot does not carry (by visit and status, by
// party, each document's versions by language).
void reindex(State& state);
// Views of the other contexts, folded from their public topics (malformed events are ignored).
void apply_delegations_event(State& state, const std::string& type, const nlohmann::json& data);
void apply_scheduling_event(State& state, const std::string& type, const nlohmann::json& data);

// --- reading ---
// Whether the actor may see the document: officers and integrators all; a member the
// documents their delegation is party to.
bool may_read(const Document& doc, const Actor& actor);
// The steps the document's status allows ("submit", "agree", "sign", ...).
std::vector<std::string> allowed_actions(const Document& doc);
// The date the document enters (or entered) into force, when it can be known.
std::optional<Days> entry_into_force_date(const Document& doc);
// The exact bytes a signatory signs (canonical JSON, keys sorted, no whitespace).
Result<std::string> signing_payload(const Document& doc, const std::string& member_id, Timestamp signed_at);
// The contract's public snapshot of a document (the `document` of every event).
nlohmann::json snapshot(const Document& doc);

// --- audit chain ---
inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
// SHA-256 over the canonical serialization of the event without data.hash: the JSON object
// {id, type, subject, sequence, time, actor, data}, keys sorted, no whitespace.
std::string chain_hash(const NewEvent& event);
struct ChainVerdict {
  bool valid = true;
  std::optional<long long> broken_at;  // the sequence of the first event that does not verify
  std::string event_id;
  std::string reason;
};
ChainVerdict verify_chain(const Document& doc);

}  // namespace concord::documents
