#include "claims.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>

namespace concord::auth::detail {
namespace {

// NumericDates beyond 9999-12-31T23:59:59Z are refused rather than overflowing.
constexpr double kMaxNumericDate = 253402300799.0;

Error unauthorized(std::string detail) {
  return Error::unauthorized(std::move(detail));
}

// Absent → nullopt with no error; present but not a NumericDate → error.
Result<std::optional<Timestamp>> numeric_date(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<Timestamp>{};
  double seconds = 0;
  if (it->is_number_integer() || it->is_number_unsigned() || it->is_number_float())
    seconds = it->get<double>();
  else
    return fail(unauthorized(std::string("the token's ") + name + " claim is not a number of seconds (NumericDate)"));
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxNumericDate)
    return fail(unauthorized(std::string("the token's ") + name + " claim is out of range"));
  auto ms = static_cast<std::int64_t>(std::floor(seconds * 1000.0));
  return std::optional<Timestamp>{Timestamp{std::chrono::milliseconds{ms}}};
}

Result<std::optional<std::string>> optional_id(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<std::string>{};
  if (!it->is_string() || it->get_ref<const std::string&>().empty())
    return fail(unauthorized(std::string("the token's ") + name + " claim must be a non-empty string"));
  return std::optional<std::string>{it->get<std::string>()};
}

Status check_issuer_and_audience(const nlohmann::json& claims, const Expectations& expected) {
  auto iss = claims.find("iss");
  if (iss == claims.end()) return fail(unauthorized("the token has no issuer (iss)"));
  if (!iss->is_string() || iss->get_ref<const std::string&>() != expected.issuer)
    return fail(unauthorized("the token's issuer (iss) is not '" + std::string(expected.issuer) + "'"));

  auto aud = claims.find("aud");
  if (aud == claims.end()) return fail(unauthorized("the token has no audience (aud)"));
  bool ours = false;
  if (aud->is_string()) {
    ours = aud->get_ref<const std::string&>() == expected.audience;
  } else if (aud->is_array()) {
    for (const auto& a : *aud) {
      if (!a.is_string())
        return fail(unauthorized("the token's audience (aud) must be a string or an array of strings"));
      if (a.get_ref<const std::string&>() == expected.audience) ours = true;
    }
  } else {
    return fail(unauthorized("the token's audience (aud) must be a string or an array of strings"));
  }
  if (!ours)
    return fail(unauthorized("the token's audience (aud) does not include '" + std::string(expected.audience) + "'"));
  return {};
}

Result<Timestamp> check_validity_period(const nlohmann::json& claims, std::chrono::seconds leeway, Timestamp now) {
  auto exp = numeric_date(claims, "exp");
  if (!exp) return fail(exp.error());
  if (!*exp) return fail(unauthorized("the token has no expiry (exp)"));
  if (now >= **exp + leeway) return fail(unauthorized("the token expired at " + format_rfc3339_utc(**exp)));

  auto nbf = numeric_date(claims, "nbf");
  if (!nbf) return fail(nbf.error());
  if (*nbf && now + leeway < **nbf)
    return fail(unauthorized("the token is not valid before " + format_rfc3339_utc(**nbf)));

  auto iat = numeric_date(claims, "iat");
  if (!iat) return fail(iat.error());
  if (*iat && **iat > now + leeway)
    return fail(unauthorized("the token claims to be issued in the future, at " + format_rfc3339_utc(**iat)));
  return **exp;
}

Result<std::vector<Role>> read_roles(const nlohmann::json& claims) {
  auto it = claims.find("roles");
  if (it == claims.end()) return fail(unauthorized("the token has no roles claim"));
  if (!it->is_array()) return fail(unauthorized("the token's roles claim must be an array of role names"));
  std::vector<Role> roles;
  for (const auto& item : *it) {
    if (!item.is_string()) return fail(unauthorized("the token's roles claim must be an array of role names"));
    const auto& name = item.get_ref<const std::string&>();
    auto role = parse_role(name);
    if (!role) return fail(unauthorized("the token names an unknown role " + quote_untrusted(name)));
    if (std::find(roles.begin(), roles.end(), *role) == roles.end()) roles.push_back(*role);
  }
  if (roles.empty()) return fail(unauthorized("the token's roles claim is empty; at least one role is required"));
  return roles;
}

// A dotted path into nested objects ("realm_access.roles"); a member whose own name holds a dot
// is found too when it is at the top level (Entra ID and Auth0 use URLs as claim names).
const nlohmann::json* at_path(const nlohmann::json& claims, const std::string& path) {
  if (auto whole = claims.find(path); whole != claims.end()) return &*whole;
  const nlohmann::json* node = &claims;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
  return nullptr;
}

Result<std::vector<Role>> mapped_roles(const nlohmann::json& claims, const ClaimMapping& mapping) {
  const nlohmann::json* value = at_path(claims, mapping.roles_claim);
  std::vector<std::string> names;
  if (value && value->is_string())
    names.push_back(value->get<std::string>());
  else if (value && value->is_array())
    for (const auto& item : *value)
      if (item.is_string()) names.push_back(item.get<std::string>());
  std::vector<Role> roles;
  auto add = [&](Role role) {
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
  };
  for (const auto& name : names) {
    if (mapping.role_map.empty()) {
      if (auto role = parse_role(name)) add(*role);
      continue;
    }
    for (const auto& [from, role] : mapping.role_map)
      if (from == name) add(role);
  }
  if (roles.empty())
    return fail(unauthorized("the token's " + mapping.roles_claim +
                             " claim names no role this service maps to a Concord role"));
  return roles;
}

Result<std::optional<std::string>> mapped_country(const nlohmann::json& claims, const ClaimMapping& mapping) {
  const nlohmann::json* value = at_path(claims, mapping.country_claim);
  if (!value) return std::optional<std::string>{};
  if (!value->is_string() || value->get_ref<const std::string&>().size() != 2 ||
      !std::all_of(value->get_ref<const std::string&>().begin(), value->get_ref<const std::string&>().end(),
                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
    return fail(unauthorized("the token's " + mapping.country_claim +
                             " claim must be a two-letter country code (ISO 3166-1 alpha-2)"));
  std::string code = value->get<std::string>();
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return std::optional<std::string>{code};
}

}  // namespace

std::string quote_untrusted(std::string_view untrusted) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < untrusted.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(untrusted[i]);
    out += (c >= 0x20 && c < 0x7F && c != '\'') ? static_cast<char>(c) : '?';
  }
  if (untrusted.size() > kMax) out += "...";
  return out + "'";
}

Result<Principal> read_claims(const nlohmann::json& claims, const Expectations& expected, Timestamp now) {
  if (auto ok = check_issuer_and_audience(claims, expected); !ok) return fail(ok.error());
  auto expires_at = check_validity_period(claims, expected.leeway, now);
  if (!expires_at) return fail(expires_at.error());

  Principal p;
  p.expires_at = *expires_at;
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty())
    return fail(unauthorized("the token has no subject (sub)"));
  p.subject = sub->get<std::string>();
  p.issuer = std::string(expected.issuer);

  auto roles = expected.mapping ? mapped_roles(claims, *expected.mapping) : read_roles(claims);
  if (!roles) return fail(roles.error());
  p.roles = std::move(*roles);
  static const ClaimMapping kOwn{"roles", "country", {}};
  auto country = mapped_country(claims, expected.mapping ? *expected.mapping : kOwn);
  if (!country) return fail(country.error());
  p.country = std::move(*country);
  if (p.has(Role::delegation_officer) && !p.country)
    return fail(unauthorized("a delegation_officer token must carry the officer's country (" +
                             (expected.mapping ? expected.mapping->country_claim : std::string("country")) + ")"));

  // An OpenID Connect issuer's tokens never say which member someone is: people are linked to
  // members in Concord's state (identity.hpp), so such claims are not even read.
  if (expected.mapping) return p;
  auto member_id = optional_id(claims, "member_id");
  if (!member_id) return fail(member_id.error());
  auto delegation_id = optional_id(claims, "delegation_id");
  if (!delegation_id) return fail(delegation_id.error());
  p.member_id = std::move(*member_id);
  p.delegation_id = std::move(*delegation_id);
  if (p.has(Role::delegation_member) && (!p.member_id || !p.delegation_id))
    return fail(unauthorized("a delegation_member token must carry member_id and delegation_id claims"));
  return p;
}

}  // namespace concord::auth::detail
