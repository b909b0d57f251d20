#include "oidc_fixtures.hpp"

#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace concord::auth::testing {
namespace {

std::string bytes_of(const BIGNUM* bn, int width = 0) {
  int n = width ? width : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(n), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n) != n) throw std::runtime_error("bn2bin");
  return out;
}

}  // namespace

struct TestKey::Impl {
  KeyKind kind;
  EVP_PKEY* key = nullptr;
  ~Impl() { EVP_PKEY_free(key); }
};

TestKey::TestKey(KeyKind kind, std::string kid) : impl_(std::make_unique<Impl>()), kid_(std::move(kid)) {
  impl_->kind = kind;
  switch (kind) {
    case KeyKind::rsa:
      impl_->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyKind::rsa_1024:
      impl_->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024));
      break;
    case KeyKind::ec:
      impl_->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyKind::ed25519:
      impl_->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (!impl_->key) throw std::runtime_error("keygen failed");
}
TestKey::~TestKey() = default;
TestKey::TestKey(TestKey&&) noexcept = default;

nlohmann::json TestKey::jwk(const std::string& alg) const {
  nlohmann::json j = {{"kid", kid_}, {"use", "sig"}};
  EVP_PKEY* k = impl_->key;
  switch (impl_->kind) {
    case KeyKind::rsa:
    case KeyKind::rsa_1024: {
      BIGNUM *n = nullptr, *e = nullptr;
      EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n);
      EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e);
      j["kty"] = "RSA";
      j["n"] = b64url(bytes_of(n));
      j["e"] = b64url(bytes_of(e));
      BN_free(n);
      BN_free(e);
      break;
    }
    case KeyKind::ec: {
      unsigned char point[65];
      size_t len = 0;
      EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &len);
      if (len != 65) throw std::runtime_error("EC point");
      std::string p(reinterpret_cast<char*>(point), len);
      j["kty"] = "EC";
      j["crv"] = "P-256";
      j["x"] = b64url(p.substr(1, 32));
      j["y"] = b64url(p.substr(33, 32));
      break;
    }
    case KeyKind::ed25519: {
      unsigned char raw[32];
      size_t len = sizeof raw;
      EVP_PKEY_get_raw_public_key(k, raw, &len);
      j["kty"] = "OKP";
      j["crv"] = "Ed25519";
      j["x"] = b64url(std::string(reinterpret_cast<char*>(raw), len));
      break;
    }
  }
  if (!alg.empty()) j["alg"] = alg;
  return j;
}

std::string TestKey::sign(const std::string& alg, std::string_view input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = alg == "EdDSA" ? nullptr : EVP_sha256();
  if (EVP_DigestSignInit(ctx, &pctx, md, nullptr, impl_->key) != 1) throw std::runtime_error("sign init " + alg);
  if (alg == "PS256") {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx, nullptr, &len, in, input.size());
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1)
    throw std::runtime_error("sign " + alg);
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (impl_->kind == KeyKind::ec) {  // DER → r||s as JWS wants
    auto p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw = bytes_of(ECDSA_SIG_get0_r(s), 32) + bytes_of(ECDSA_SIG_get0_s(s), 32);
    ECDSA_SIG_free(s);
    return raw;
  }
  return sig;
}

std::string TestKey::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, impl_->key);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

const TestKey& rsa_key() {
  static const TestKey key(KeyKind::rsa, "rsa-1");
  return key;
}
const TestKey& ec_key() {
  static const TestKey key(KeyKind::ec, "ec-1");
  return key;
}
const TestKey& ed25519_key() {
  static const TestKey key(KeyKind::ed25519, "ed-1");
  return key;
}

FakeIssuer::FakeIssuer() {
  discovery = {{"issuer", kIssuer}, {"jwks_uri", kIssuer + "/protocol/openid-connect/certs"}};
  jwks["keys"] = nlohmann::json::array({rsa_key().jwk(), ec_key().jwk(), ed25519_key().jwk()});
}

HttpsGet FakeIssuer::fetcher() {
  return [this](const std::string& url, const std::string&) -> Result<std::string> {
    FakeIssuer& issuer = *this;
    if (url == kIssuer + "/.well-known/openid-configuration") {
      ++issuer.discovery_fetches;
      if (issuer.down) return fail(Error::unavailable("connection refused"));
      return issuer.discovery.dump();
    }
    if (url == issuer.discovery.value("jwks_uri", "")) {
      ++issuer.jwks_fetches;
      if (issuer.down) return fail(Error::unavailable("connection refused"));
      return issuer.jwks.dump();
    }
    return fail(Error::unavailable(url + " answered 404 instead of 200"));
  };
}

OidcConfig oidc_config() {
  OidcConfig o;
  o.issuer = kIssuer;
  o.audience = kOidcAudience;
  o.roles_claim = "realm_access.roles";
  o.role_map = {{"concord-officer", Role::protocol_officer},
                {"concord-admin", Role::admin},
                {"concord-integrator", Role::integrator}};
  return o;
}

JwtConfig config_with_oidc() {
  JwtConfig config = config_for(Algorithm::hs256);
  config.oidc = oidc_config();
  return config;
}

nlohmann::json oidc_claims() {
  return {{"iss", kIssuer},
          {"aud", {kOidcAudience, "account"}},
          {"sub", "officer-kg"},
          {"iat", seconds_of(kNow)},
          {"exp", seconds_of(kNow) + 3600},
          {"realm_access", {{"roles", {"offline_access", "concord-officer"}}}},
          {"country", "kg"}};
}

std::string oidc_token(const TestKey& key, const std::string& alg, const nlohmann::json& claims,
                       nlohmann::json header) {
  if (!header.contains("alg")) header["alg"] = alg;
  if (!header.contains("kid")) header["kid"] = key.kid();
  if (!header.contains("typ")) header["typ"] = "JWT";
  std::string input = b64url(header.dump()) + "." + b64url(claims.dump());
  return input + "." + b64url(key.sign(alg, input));
}

}  // namespace concord::auth::testing
