#pragma once
// What callers ask the delegations context to do, already parsed from JSON (parse.hpp), and
// what they get back: events for the public and the private topic.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "delegations/domain/model.hpp"

namespace concord::delegations {

// Who is calling, as the domain needs to know it (mapped from the token's principal).
struct Actor {
  std::string subject;
  bool officer = false;                  // host_officer or admin: writes everything
  bool integrator = false;               // reads public data
  std::optional<std::string> member_id;  // a delegation_member acting for themself
  // A delegation_officer: acts for their country's delegations (the roster, contact and travel
  // of its members), reads the public part of the others.
  std::optional<std::string> country;
};

// Whether the caller acts for this delegation as an officer: host officers and admins for every
// one, a delegation officer for those of their country (the delegation's country in the state).
bool acts_for(const State& state, const Actor& actor, const std::string& delegation_id);

struct Context {
  Timestamp now{};
  Actor actor;
  IdGenerator& ids;  // new aggregate and event ids
};

// A field of a PATCH: absent (leave it), null (clear it) or a value.
template <class T>
struct Patch {
  bool present = false;
  std::optional<T> value;  // nullopt with present = cleared
  void set(std::optional<T> v) {
    present = true;
    value = std::move(v);
  }
};

struct RegisterDelegation {
  std::string visit_id;
  std::string country;
  Side side = Side::guest;
  Texts name;
};

struct UpdateDelegation {
  std::string id;
  std::optional<std::string> country;
  std::optional<Side> side;
  std::optional<Texts> name;
  Patch<std::string> head_member_id;
};

struct Notifications {
  std::optional<std::string> language;
  std::optional<std::vector<std::string>> channels;
};

struct AddMember {
  std::string delegation_id;
  Texts full_name;
  Texts position;
  Rank rank = Rank::official;
  std::vector<std::string> languages;
  std::string time_zone;
  std::optional<Contact> contact;
  Notifications notifications;
  std::optional<std::string> public_key;
  bool is_head = false;
  std::optional<long long> precedence_order;
};

struct UpdateMember {
  std::string id;
  std::optional<Texts> full_name;
  std::optional<Texts> position;
  std::optional<Rank> rank;
  std::optional<std::vector<std::string>> languages;
  std::optional<std::string> time_zone;
  Patch<Contact> contact;
  std::optional<Notifications> notifications;
  Patch<std::string> public_key;
  std::optional<bool> is_head;
  Patch<long long> precedence_order;
  // The JSON names of the fields the request carried, to tell a member which ones they may
  // not change.
  std::vector<std::string> fields;
};

struct WithdrawMember {
  std::string id;
  std::optional<std::string> reason;
};

struct AccreditationAction {
  std::string member_id;
  std::string action;  // request, approve, reject, revoke
  std::optional<std::string> badge_number;
  std::optional<std::string> reason;
};

struct SetTravel {
  std::string member_id;
  Travel travel;
};

// An officer sets (or replaces) the identity a member signs in with.
struct LinkIdentity {
  std::string member_id;
  auth::Identity identity;
};

struct UnlinkIdentity {
  std::string member_id;
};

// An officer invites a member to link the identity they sign in with. The code is made (and
// hashed) by the caller: the domain sees only its hash.
struct CreateInvitation {
  std::string member_id;
  std::string code_sha256;
  std::chrono::seconds ttl{std::chrono::hours(24 * 7)};
};

// A signed-in person redeems an invitation's code: their identity is linked to its member.
struct RedeemInvitation {
  std::string code_sha256;
  auth::Identity identity;  // the caller's token's issuer and subject
};

inline constexpr std::chrono::seconds kMinInvitationTtl{std::chrono::minutes(5)};
inline constexpr std::chrono::seconds kMaxInvitationTtl{std::chrono::hours(24 * 30)};

// One event the context decided on; the API layer wraps it into a CloudEvent with this id.
struct NewEvent {
  bool is_private = false;
  std::string id;
  std::string type;     // concord.delegations.<aggregate>.<verb>
  std::string subject;  // delegation/<id> or member/<id>
  long long sequence = 0;
  nlohmann::json data;
};

struct Decision {
  std::string key;        // the delegation id: the key of every event of the decision
  std::string target_id;  // the delegation or member the request was about (new or existing)
  std::vector<NewEvent> events;
};

}  // namespace concord::delegations
