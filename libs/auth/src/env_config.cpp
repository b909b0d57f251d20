#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "concord/auth/jwt.hpp"
#include "concord/core/ascii.hpp"
#include "concord/crypto/crypto.hpp"
#include "secret_file.hpp"

namespace concord::auth {
namespace {

constexpr std::string_view kPemStart = "-----BEGIN";
constexpr std::size_t kMaxPemFileBytes = 64 * 1024;
constexpr std::string_view kRoleNames = "host_officer, delegation_officer, delegation_member, integrator, admin";

// The message format of ConfigError, so main() can report either the same way.
Error bad(const std::string& name, const std::string& expected, const std::string& got) {
  return Error::internal(name + ": expected " + expected + ", got " + got);
}

// PEM text as given, or read from the file the value names. Environment variables often carry
// PEM on one line with literal "\n" sequences; those become newlines.
Result<std::string> pem_from(const std::string& name, const std::string& value) {
  std::string_view v = value;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  if (v.starts_with(kPemStart)) {
    std::string text(v);
    if (text.find('\n') == std::string::npos) {
      for (std::size_t at = 0; (at = text.find("\\n", at)) != std::string::npos;) text.replace(at, 2, "\n");
    }
    return text;
  }
  std::ifstream file(value, std::ios::binary);
  if (!file)
    return fail(bad(name, "PEM text or the path of a readable PEM file", "'" + value + "', which cannot be read"));
  std::ostringstream text;
  text << file.rdbuf();
  if (text.str().size() > kMaxPemFileBytes)
    return fail(bad(name, "a PEM file of at most 64 KiB", "'" + value + "', which is larger"));
  return text.str();
}

Result<std::string> hs256_secret(const Env& env, const std::string& data_dir) {
  auto secret = env.get("CONCORD_JWT_SECRET");
  if (!secret) return detail::embedded_secret(data_dir);
  if (secret->size() < kMinHs256SecretBytes)  // the secret itself never goes into a message
    return fail(bad("CONCORD_JWT_SECRET", "at least 32 bytes", std::to_string(secret->size()) + " bytes"));
  return *secret;
}

Status eddsa_keys(const Env& env, JwtConfig& config) {
  auto pub = env.get("CONCORD_JWT_PUBLIC_KEY");
  if (!pub)
    return fail(bad("CONCORD_JWT_PUBLIC_KEY",
                    "an Ed25519 public key (PEM text or a path) when CONCORD_JWT_ALG is EdDSA", "nothing"));
  auto pub_pem = pem_from("CONCORD_JWT_PUBLIC_KEY", *pub);
  if (!pub_pem) return fail(pub_pem.error());
  auto public_key = crypto::ed25519_public_key_from_pem(*pub_pem);
  if (!public_key) return fail(bad("CONCORD_JWT_PUBLIC_KEY", "an Ed25519 public key in PEM", public_key.error()));
  config.ed25519_public_key_pem = std::move(*pub_pem);

  auto priv = env.get("CONCORD_JWT_PRIVATE_KEY");
  if (!priv) return {};  // a service only verifies; minting needs the private key
  auto priv_pem = pem_from("CONCORD_JWT_PRIVATE_KEY", *priv);
  if (!priv_pem) return fail(priv_pem.error());
  auto private_key = crypto::ed25519_private_key_from_pem(*priv_pem);
  if (!private_key) return fail(bad("CONCORD_JWT_PRIVATE_KEY", "an Ed25519 private key in PEM", private_key.error()));
  auto own_public_key = crypto::ed25519_public_key_of(*private_key);
  if (!own_public_key || *own_public_key != *public_key)
    return fail(bad("CONCORD_JWT_PRIVATE_KEY", "the private half of CONCORD_JWT_PUBLIC_KEY", "a key of another pair"));
  config.ed25519_private_key_pem = std::move(*priv_pem);
  return {};
}

Result<std::chrono::seconds> leeway(const Env& env) {
  auto v = env.get("CONCORD_JWT_LEEWAY");
  if (!v) return kMaxLeeway;
  auto d = parse_duration(*v);
  if (!d || *d % std::chrono::seconds{1} != std::chrono::milliseconds{0} || *d > kMaxLeeway)
    return fail(bad("CONCORD_JWT_LEEWAY", "a whole number of seconds from 0 to 60", "'" + *v + "'"));
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

// "idp-value=concord_role,...": each value of the issuer's roles claim and the Concord role it
// stands for (a value may be named more than once, for several roles).
Result<std::vector<std::pair<std::string, Role>>> role_map(const std::string& text) {
  std::vector<std::pair<std::string, Role>> map;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (item.empty()) continue;
    auto eq = item.rfind('=');
    auto role = eq == std::string_view::npos ? std::nullopt : parse_role(item.substr(eq + 1));
    if (!role || eq == 0)
      return fail(
          bad("CONCORD_OIDC_ROLE_MAP",
              "issuer-role=concord-role pairs separated by commas, the Concord role one of " + std::string(kRoleNames),
              "'" + std::string(item) + "'"));
    map.emplace_back(std::string(item.substr(0, eq)), *role);
  }
  return map;
}

Result<std::optional<OidcConfig>> oidc_config(const Env& env) {
  auto issuer = env.get("CONCORD_OIDC_ISSUER");
  if (!issuer || issuer->empty()) return std::optional<OidcConfig>{};
  OidcConfig o;
  o.issuer = *issuer;
  if (!o.issuer.starts_with("https://"))
    return fail(
        bad("CONCORD_OIDC_ISSUER", "the issuer's https:// URL, as its tokens' iss says it", "'" + o.issuer + "'"));
  auto audience = env.get("CONCORD_OIDC_AUDIENCE");
  if (!audience || audience->empty())
    return fail(bad("CONCORD_OIDC_AUDIENCE", "the audience (aud) the issuer puts in tokens for Concord", "nothing"));
  o.audience = *audience;
  o.roles_claim = env.get("CONCORD_OIDC_ROLES_CLAIM").value_or(o.roles_claim);
  o.country_claim = env.get("CONCORD_OIDC_COUNTRY_CLAIM").value_or(o.country_claim);
  if (o.roles_claim.empty()) return fail(bad("CONCORD_OIDC_ROLES_CLAIM", "a claim name or dotted path", "nothing"));
  if (o.country_claim.empty()) return fail(bad("CONCORD_OIDC_COUNTRY_CLAIM", "a claim name or dotted path", "nothing"));
  if (auto map = env.get("CONCORD_OIDC_ROLE_MAP")) {
    auto parsed = role_map(*map);
    if (!parsed) return fail(parsed.error());
    o.role_map = std::move(*parsed);
  }
  if (auto ca = env.get("CONCORD_OIDC_CA_FILE"); ca && !ca->empty()) {
    if (!std::ifstream(*ca)) return fail(bad("CONCORD_OIDC_CA_FILE", "a readable PEM file of CAs", "'" + *ca + "'"));
    o.ca_file = *ca;
  }
  if (auto v = env.get("CONCORD_OIDC_REFETCH_INTERVAL")) {
    auto d = parse_duration(*v);
    if (!d || *d < std::chrono::seconds{1} || *d % std::chrono::seconds{1} != std::chrono::milliseconds{0})
      return fail(bad("CONCORD_OIDC_REFETCH_INTERVAL", "a whole number of seconds, at least 1s", "'" + *v + "'"));
    o.refetch_interval = std::chrono::duration_cast<std::chrono::seconds>(*d);
  }
  return std::optional<OidcConfig>{std::move(o)};
}

}  // namespace

Result<JwtConfig> jwt_config_from_env(const Env& env, const std::string& data_dir) {
  JwtConfig config;
  auto alg = env.get("CONCORD_JWT_ALG").value_or("HS256");
  if (ascii_iequals(alg, "HS256"))
    config.algorithm = Algorithm::hs256;
  else if (ascii_iequals(alg, "EdDSA"))
    config.algorithm = Algorithm::eddsa;
  else
    return fail(bad("CONCORD_JWT_ALG", "HS256 or EdDSA", "'" + alg + "'"));

  if (config.algorithm == Algorithm::hs256) {
    auto secret = hs256_secret(env, data_dir);
    if (!secret) return fail(secret.error());
    config.hs256_secret = std::move(*secret);
  } else if (auto ok = eddsa_keys(env, config); !ok) {
    return fail(ok.error());
  }

  config.issuer = env.get("CONCORD_JWT_ISSUER").value_or("concord");
  config.audience = env.get("CONCORD_JWT_AUDIENCE").value_or("concord");
  auto l = leeway(env);
  if (!l) return fail(l.error());
  config.leeway = *l;
  auto oidc = oidc_config(env);
  if (!oidc) return fail(oidc.error());
  config.oidc = std::move(*oidc);
  if (config.oidc && config.oidc->issuer == config.issuer)
    return fail(bad("CONCORD_OIDC_ISSUER", "another issuer than CONCORD_JWT_ISSUER", "the same"));
  return config;
}

}  // namespace concord::auth
