#pragma once
// The delegations context's values: delegations, their members, accreditation, and the personal
// data (contact, travel) that lives only on the private topic. State is the fold of both topics.
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "concord/auth/identity.hpp"
#include "concord/core/rendered_json.hpp"
#include "concord/core/time.hpp"
#include "delegations/contract/contract.hpp"

namespace concord::delegations {

inline constexpr std::string_view kPublicTopic = contract::kTopic;
inline constexpr std::string_view kPrivateTopic = contract::kPrivateTopic;

using Texts = std::map<std::string, std::string>;  // {"en": "...", "ru": "..."}

enum class Side { host, guest };
std::string_view to_string(Side side);
std::optional<Side> parse_side(std::string_view text);

// Highest first: the enumerator order is the order of precedence.
enum class Rank {
  head_of_state,
  head_of_government,
  deputy_head_of_government,
  minister,
  ambassador,
  deputy_minister,
  head_of_agency,
  official,
  adviser,
  expert,
  interpreter,
  support_staff,
};
std::string_view to_string(Rank rank);
std::optional<Rank> parse_rank(std::string_view text);
const std::vector<std::string_view>& rank_names();  // highest first

enum class AccreditationStatus { none, requested, approved, rejected, revoked };
std::string_view to_string(AccreditationStatus status);
std::optional<AccreditationStatus> parse_accreditation_status(std::string_view text);

// The notification channels a member may choose: inbox (the notifications inbox), stream (live
// push; the names the notifications service uses), email, sms.
const std::vector<std::string_view>& channel_names();

struct Delegation {
  std::string id;
  std::string visit_id;
  std::string country;  // ISO 3166-1 alpha-2
  Side side = Side::guest;
  Texts name;
  std::optional<std::string> head_member_id;
  long long version = 0;
  RenderedJson<> rendered;  // its JSON as the API shows it (not in the snapshot)
};

struct AccreditationStep {
  std::string action;  // request, approve, reject, revoke
  std::string actor;
  std::optional<std::string> reason;
  std::optional<std::string> badge_number;
  Timestamp at{};
};

struct Accreditation {
  AccreditationStatus status = AccreditationStatus::none;
  std::optional<std::string> badge_number;
  std::vector<AccreditationStep> history;  // not in the public snapshot; rebuilt from the events
};

struct Member {
  std::string id;
  std::string delegation_id;
  std::string visit_id;
  Texts full_name;
  Texts position;
  Rank rank = Rank::official;
  std::optional<long long> precedence_order;
  bool is_head = false;
  std::vector<std::string> languages;  // BCP 47
  std::string time_zone;               // IANA
  std::string notification_language;   // BCP 47
  std::vector<std::string> channels;
  std::optional<std::string> public_key;  // base64 of a 32-byte Ed25519 public key
  bool withdrawn = false;
  std::optional<std::string> withdrawal_reason;
  Accreditation accreditation;
  long long version = 0;
  // Its JSON as a roster shows it, without and with personal data (kMemberPublic,
  // kMemberPersonal; not in the snapshot). The personal view shows the contact, travel and linked
  // identity kept beside the member in State: evolve() clears these when any of them changes.
  RenderedJson<2> rendered;
};
inline constexpr std::size_t kMemberPublic = 0, kMemberPersonal = 1;

// Personal data: only on the private topic, only for officers and the member themself.
struct Contact {
  std::optional<std::string> email;
  std::optional<std::string> phone;
  bool operator==(const Contact&) const = default;
};

struct TravelLeg {
  Timestamp time{};
  int offset_minutes = 0;  // the offset it was given with, to render the local time back
  std::optional<std::string> flight;
  std::optional<std::string> airport;  // IATA code
  bool operator==(const TravelLeg&) const = default;
};

struct Hotel {
  std::string name;
  std::optional<std::string> address;
  std::optional<Days> check_in;
  std::optional<Days> check_out;
  bool operator==(const Hotel&) const = default;
};

struct Travel {
  std::optional<TravelLeg> arrival;
  std::optional<TravelLeg> departure;
  std::optional<Hotel> hotel;
  bool operator==(const Travel&) const = default;
};

// A private event waiting for the public event it was written with (see evolve.cpp).
struct PendingPrivate {
  std::string member_id;
  bool is_contact = false;         // else travel
  std::optional<Contact> contact;  // nullopt: the contact was cleared
  Travel travel;
};

// The identity a member signs in with (issuer + subject of their tokens): personal data, on the
// private topic only. How it came: "officer" (set by an officer) or "invitation" (redeemed).
struct LinkedIdentity {
  auth::Identity identity;
  std::string via;
  std::optional<std::string> invitation_id;
  Timestamp linked_at{};
  long long version = 0;  // of the member's identity: every link and unlink counts
};

// A single-use invitation to link one's identity to a member: its code is shown once and kept
// only as its SHA-256.
struct Invitation {
  std::string id;
  std::string member_id;
  std::string delegation_id;
  std::string code_sha256;
  std::string created_by;
  Timestamp created_at{};
  Timestamp expires_at{};
  bool redeemed = false;
};

// Snapshots encode this (domain/snapshot.cpp): a change here must bump kStateVersion there.
struct State {
  std::map<std::string, Delegation> delegations;
  std::map<std::string, Member> members;
  std::map<std::string, std::vector<std::string>> members_of;  // delegation id → member ids, as added
  // Delegation id → precedence_key(member) → member id: the roster in protocol order.
  std::map<std::string, std::map<std::string, std::string>> roster_order;
  std::map<std::string, std::set<std::string>> delegations_of_visit;  // visit id → delegation ids
  std::map<std::string, std::string> badges;                          // visit id + "/" + badge number → member id
  std::map<std::string, Contact> contacts;                            // member id →
  std::map<std::string, Travel> travel;                               // member id →
  std::map<std::string, std::vector<PendingPrivate>> pending;         // public event id → private events
  // The public events applied lately, oldest first (ids; at most kRecentPublicEvents). A replay
  // reads the private topic before the public one, but a live follower reads both side by side
  // and may meet a private event after its public companion: it then applies at once rather than
  // waiting in `pending` for an event that has passed. In snapshots too: a snapshot may hold a
  // public event whose private companion lies past the snapshot's position in the private topic
  // (Kafka makes a transaction visible partition by partition), and a replica restored from it
  // must still apply that private event when it comes.
  std::deque<std::string> recent_public;
  std::set<std::string> recent_public_ids;
  auth::IdentityLinks identities;                         // identity ↔ member
  std::map<std::string, LinkedIdentity> linked;           // member id → how its identity was linked
  std::map<std::string, long long> identity_versions;     // member id → identity version (kept after unlink)
  std::map<std::string, Invitation> invitations;          // id →
  std::map<std::string, std::string> invitation_by_code;  // SHA-256 of the code → invitation id

  const Delegation* delegation(const std::string& id) const;
  const Member* member(const std::string& id) const;
  const Contact* contact_of(const std::string& member_id) const;
  const Travel* travel_of(const std::string& member_id) const;
};

// Protocol order within a delegation, as a sort key (the roster index's order): the head first,
// then by rank, then precedence_order (absent last), then full name, then id (so the order is
// total and repeatable).
std::string precedence_key(const Member& m);
// The delegation's members in protocol order; withdrawn ones only when asked.
std::vector<const Member*> roster(const State& state, const std::string& delegation_id, bool include_withdrawn);

// The name to sort and address someone by: English when there is one, else the first language.
const std::string& display_name(const Texts& texts);

}  // namespace concord::delegations
