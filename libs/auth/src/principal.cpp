#include "concord/auth/principal.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace concord::auth {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoles{{
    {Role::host_officer, "host_officer"},
    {Role::delegation_officer, "delegation_officer"},
    {Role::delegation_member, "delegation_member"},
    {Role::integrator, "integrator"},
    {Role::admin, "admin"},
    {Role::host_officer, "protocol_officer"},  // the wave-1 name, kept as an alias: parsed, never printed
}};

}  // namespace

std::optional<Role> parse_role(std::string_view text) {
  for (const auto& [role, name] : kRoles)
    if (name == text) return role;
  return std::nullopt;
}

std::string_view to_string(Role role) {
  for (const auto& [r, name] : kRoles)
    if (r == role) return name;
  return "unknown";
}

bool Principal::has(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Principal::has_any(std::initializer_list<Role> any_of) const {
  return std::any_of(any_of.begin(), any_of.end(), [this](Role r) { return has(r); });
}

}  // namespace concord::auth
