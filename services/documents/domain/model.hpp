#pragma once
// The documents domain's state: documents with their versions, approvals, signatures and
// entry-into-force rule, plus the views of other contexts it needs (members and their public
// keys from concord.delegations.v1, meetings from concord.scheduling.v1). Plain values.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/identity.hpp"
#include "concord/core/rendered_json.hpp"
#include "concord/core/time.hpp"
#include "delegations/contract/views.hpp"
#include "scheduling/contract/views.hpp"

namespace concord::documents {

enum class DocStatus {
  draft,
  under_approval,
  rejected,
  agreed,
  signing_scheduled,
  partially_signed,
  signed_,
  in_force,
  withdrawn
};
// (signed_: `signed` is a keyword.)
std::string to_string(DocStatus s);
std::optional<DocStatus> parse_status(std::string_view text);

inline const std::vector<std::string_view> kKinds = {"agreement", "memorandum",      "roadmap",
                                                     "protocol",  "joint_statement", "minutes"};

struct Signatory {
  std::string delegation_id;
  std::string member_id;
  bool operator==(const Signatory&) const = default;
};

struct Version {
  long long number = 0;  // per document, across languages: 1, 2, 3, ...
  std::string language;
  std::string sha256;
  size_t size = 0;
  std::shared_ptr<const std::string> content;  // shared: copies of a document stay cheap
  bool intact = true;                          // the content's digest matched the recorded one when it was rebuilt
  Timestamp created_at{};
  std::string created_by;
};

struct VersionRef {
  long long number = 0;
  std::string sha256;
  bool operator==(const VersionRef&) const = default;
};

struct Approval {
  std::string decision;  // approve | reject
  std::string comment;
  std::map<std::string, long long> versions;  // language → the version number approved
  Timestamp at{};
  std::string by;
};

struct Signature {
  std::string member_id;
  std::string delegation_id;
  std::string method;  // wet_ink | ed25519
  Timestamp signed_at{};
  std::string place;
  std::string signature;  // base64, ed25519 only
  std::string recorded_by;
};

struct Signing {
  std::string meeting_id;
  Timestamp start{};
  Timestamp end{};
};

enum class Rule { on_signature, on_date, after_notifications };
std::string to_string(Rule r);

struct EntryIntoForce {
  Rule rule = Rule::on_signature;
  std::optional<Days> date;  // on_date
  int days = 0;              // after_notifications
};

struct AuditEntry {
  long long sequence = 0;
  std::string event_id;
  std::string type;
  Timestamp time{};
  std::string actor;
  std::string previous_hash;  // as stored in the event
  std::string hash;           // as stored in the event
  std::string computed_hash;  // recomputed from the event as it was read
};

struct Document {
  std::string id;
  std::string visit_id;
  std::string kind;
  std::map<std::string, std::string> title;
  DocStatus status = DocStatus::draft;
  std::vector<std::string> parties;
  std::vector<Signatory> signatories;
  std::vector<std::string> languages;
  std::vector<Version> versions;  // in number order
  // Language → the positions of its versions in `versions`: a language's list (not in the
  // snapshot: reindex rebuilds it).
  std::map<std::string, std::vector<size_t>> versions_by_language;
  std::map<std::string, VersionRef> latest;   // language → latest version
  std::map<std::string, Approval> approvals;  // delegation id → its latest decision
  std::map<std::string, VersionRef> agreed;   // frozen at agreement
  std::optional<Timestamp> agreed_at;
  std::optional<Signing> signing;
  std::string signing_cancel_reason;
  std::vector<Signature> signatures;
  std::optional<Days> signed_on;  // day of the last signature
  std::optional<EntryIntoForce> entry_into_force;
  std::map<std::string, Days> notifications;  // delegation id → notified_on
  std::optional<Days> in_force_on;
  std::string withdraw_reason;
  std::string reject_comment;
  Timestamp created_at{};
  Timestamp updated_at{};
  long long version = 0;  // events applied: the ETag
  std::string head_hash;  // hash of the last event, "" before any
  std::vector<AuditEntry> audit;
  // Chunks of contents not yet closed by their version.added (number → chunks so far).
  std::map<long long, std::string> pending_content;
  // Its snapshot's JSON as lists show it (not in the snapshot); evolve_document() clears it.
  RenderedJson<> rendered;

  const Version* find_version(long long number) const;
  const Signature* signature_of(const std::string& member_id) const;
  bool is_signatory(const std::string& member_id) const;
};

// The views of the other contexts it keeps, as their contracts give them: members (their
// public keys) and delegations (their countries) from concord.delegations.v1, meetings (signing
// ceremonies) from concord.scheduling.v1.
using MemberView = delegations::contract::MemberView;
using DelegationView = delegations::contract::DelegationView;
using MeetingView = scheduling::contract::MeetingView;

// Snapshots encode this (domain/snapshot.cpp): a change here must bump kStateVersion there.
struct State {
  std::map<std::string, Document> documents;
  std::vector<std::string> order;  // document ids in creation order
  // Ids (UUIDv7: creation order) by the filters lists offer.
  std::map<std::string, std::set<std::string>> by_visit;
  std::map<DocStatus, std::set<std::string>> by_status;
  // Not in the snapshot (reindex rebuilds them): by visit and status together, and by
  // party (a delegation member's list: the documents of their delegation).
  std::map<std::pair<std::string, DocStatus>, std::set<std::string>> by_visit_status;
  std::map<std::string, std::set<std::string>> by_party;
  std::map<std::string, MemberView> members;
  std::map<std::string, DelegationView> delegations;
  std::map<std::string, MeetingView> meetings;
  auth::IdentityLinks identities;  // who signs in as which member (concord.delegations.private.v1)

  const Document* find(const std::string& id) const;
};

}  // namespace concord::documents
