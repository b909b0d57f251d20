#pragma once
// The delegations context's rules: decide() checks a command against the state and the
// caller, and returns the events it leads to; evolve() applies one committed event (the same
// function runs on replay). Reads are here too, because who may see what is a rule as well.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "delegations/domain/commands.hpp"
#include "delegations/domain/model.hpp"

namespace concord::delegations {

Result<Decision> decide(const State& state, const RegisterDelegation& command, const Context& context);
Result<Decision> decide(const State& state, const UpdateDelegation& command, const Context& context);
Result<Decision> decide(const State& state, const AddMember& command, const Context& context);
Result<Decision> decide(const State& state, const UpdateMember& command, const Context& context);
Result<Decision> decide(const State& state, const WithdrawMember& command, const Context& context);
Result<Decision> decide(const State& state, const AccreditationAction& command, const Context& context);
Result<Decision> decide(const State& state, const SetTravel& command, const Context& context);
Result<Decision> decide(const State& state, const LinkIdentity& command, const Context& context);
Result<Decision> decide(const State& state, const UnlinkIdentity& command, const Context& context);
Result<Decision> decide(const State& state, const CreateInvitation& command, const Context& context);
Result<Decision> decide(const State& state, const RedeemInvitation& command, const Context& context);

// A member's linked identity {member_id, delegation_id, issuer, subject, via, invitation_id,
// linked_at}, for officers acting for the member's delegation and the member themself; 404 when
// none is linked.
Result<nlohmann::json> read_identity(const State& state, const Actor& actor, const std::string& member_id);
nlohmann::json identity_view(const State& state, const std::string& member_id);
// An invitation as its creator sees it (never the code): {id, member_id, delegation_id,
// expires_at, created_at, redeemed}.
nlohmann::json invitation_view(const Invitation& invitation);

// The accreditation actions allowed from a status ("request" from none, rejected and revoked;
// "approve" and "reject" from requested; "revoke" from approved).
std::vector<std::string> allowed_accreditation_actions(AccreditationStatus status);

// A committed event as evolve() needs it.
struct Recorded {
  std::string id;
  std::string type;
  Timestamp time{};
  std::string actor;
  const nlohmann::json& data;
};
// Applies one event of either topic. Events it cannot read are skipped. A private event
// (contact, travel) takes effect only together with the public event it was written for
// (its data's public_event_id): if that public event never made it to the log, the private
// one is an orphan and never shows.
void evolve(State& state, const Recorded& event);
// The identity and invitation events of the private topic (identity.cpp); false for others.
// `kind` is the type without contract::kPrefix. Throws on data it cannot read.
bool evolve_identity(State& state, std::string_view kind, const Recorded& event);

// Reads, with the caller's rights applied.
Result<nlohmann::json> read_delegation(const State& state, const Actor& actor, const std::string& id);
// The members of a delegation in protocol order (head first). Officers see everything; a
// delegation member only their own delegation, with personal data only on their own entry.
// Paged by the API over State::roster_order: may_read_roster once, roster_entry per member.
Result<std::vector<nlohmann::json>> read_roster(const State& state, const Actor& actor,
                                                const std::string& delegation_id, bool include_withdrawn);
Status may_read_roster(const State& state, const Actor& actor, const std::string& delegation_id);
nlohmann::json roster_entry(const State& state, const Actor& actor, const Member& member);
// The same as bytes, rendered once per change of the member (Member::rendered).
const std::string& roster_entry_bytes(const State& state, const Actor& actor, const Member& member);
Result<nlohmann::json> read_member(const State& state, const Actor& actor, const std::string& id);
Result<nlohmann::json> read_travel(const State& state, const Actor& actor, const std::string& member_id);

}  // namespace concord::delegations
