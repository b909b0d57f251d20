#pragma once
// Request bodies → commands. Every problem is reported at once, each with the JSON pointer of
// its field (a 400 problem+json); rules that depend on the state are decide()'s.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "delegations/domain/commands.hpp"

namespace concord::delegations {

Result<RegisterDelegation> parse_register_delegation(const nlohmann::json& body);
Result<UpdateDelegation> parse_update_delegation(std::string id, const nlohmann::json& body);
Result<AddMember> parse_add_member(std::string delegation_id, const nlohmann::json& body);
Result<UpdateMember> parse_update_member(std::string id, const nlohmann::json& body);
Result<WithdrawMember> parse_withdraw(std::string id, const nlohmann::json& body);
Result<AccreditationAction> parse_accreditation(std::string member_id, const nlohmann::json& body);
Result<SetTravel> parse_travel(std::string member_id, const nlohmann::json& body);

// Field checks, exposed for tests.
bool is_email(std::string_view text);
std::optional<std::string> normalize_phone(std::string_view text);  // E.164: "+375 29 123-45-67" → "+375291234567"
bool is_ed25519_public_key(std::string_view base64);                // standard base64 of exactly 32 bytes
bool is_badge_number(std::string_view text);  // 1-32 of A-Z a-z 0-9 and '-', not starting with '-'
bool is_iata_airport(std::string_view text);  // three upper-case letters

}  // namespace concord::delegations
