#include "jwk.hpp"

#include <array>
#include <climits>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "concord/crypto/crypto.hpp"
#include "strict_json.hpp"

namespace concord::auth::detail {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kMaxKeys = 100;

struct ClearErrorsOnExit {
  ~ClearErrorsOnExit() { ERR_clear_error(); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Bn bignum(std::string_view big_endian) {
  if (big_endian.empty() || big_endian.size() > INT_MAX) return nullptr;
  return Bn(BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
}

// A public key from OSSL_PARAMs, checked by OpenSSL (a point on the curve, an RSA key that
// makes sense).
Pkey from_params(const char* type, OSSL_PARAM* params) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1)
    return nullptr;
  Pkey key(raw);
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

std::optional<std::string> member(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> b64_member(const nlohmann::json& jwk, const char* name) {
  auto text = member(jwk, name);
  if (!text) return std::nullopt;
  return crypto::base64url_decode(*text);
}

Pkey rsa_key(const nlohmann::json& jwk) {
  auto n = b64_member(jwk, "n"), e = b64_member(jwk, "e");
  if (!n || !e) return nullptr;
  Bn bn_n = bignum(*n), bn_e = bignum(*e);
  if (!bn_n || !bn_e) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return nullptr;
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) return nullptr;
  Pkey key = from_params("RSA", params.get());
  if (!key || EVP_PKEY_get_bits(key.get()) < kMinRsaBits) return nullptr;
  return key;
}

Pkey ec_p256_key(const nlohmann::json& jwk) {
  auto x = b64_member(jwk, "x"), y = b64_member(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end(),
  };
  return from_params("EC", params);
}

Pkey ed25519_key(const nlohmann::json& jwk) {
  auto x = b64_member(jwk, "x");
  if (!x || x->size() != 32) return nullptr;
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*x), x->size()));
}

std::optional<std::pair<KeyType, Pkey>> key_of(const nlohmann::json& jwk) {
  auto kty = member(jwk, "kty");
  if (!kty) return std::nullopt;
  auto crv = member(jwk, "crv");
  Pkey key;
  KeyType type;
  if (*kty == "RSA") {
    type = KeyType::rsa;
    key = rsa_key(jwk);
  } else if (*kty == "EC" && crv == "P-256") {
    type = KeyType::ec_p256;
    key = ec_p256_key(jwk);
  } else if (*kty == "OKP" && crv == "Ed25519") {
    type = KeyType::ed25519;
    key = ed25519_key(jwk);
  } else {
    return std::nullopt;
  }
  if (!key) return std::nullopt;
  return std::pair{type, std::move(key)};
}

// JWS carries an ES256 signature as r||s, 32 bytes each; OpenSSL verifies DER.
std::optional<std::string> es256_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(raw), 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) return std::nullopt;
  return der;
}

constexpr std::array<std::pair<JwsAlg, std::string_view>, 4> kAlgs{
    {{JwsAlg::rs256, "RS256"}, {JwsAlg::ps256, "PS256"}, {JwsAlg::es256, "ES256"}, {JwsAlg::eddsa, "EdDSA"}}};

}  // namespace

std::optional<JwsAlg> parse_jws_alg(std::string_view name) {
  if (name == "Ed25519") return JwsAlg::eddsa;  // RFC 9864's fully specified name for EdDSA over Ed25519
  for (const auto& [alg, text] : kAlgs)
    if (text == name) return alg;
  return std::nullopt;
}

std::string_view to_string(JwsAlg alg) {
  for (const auto& [a, text] : kAlgs)
    if (a == alg) return text;
  return "unknown";
}

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa:
      return "RSA";
    case KeyType::ec_p256:
      return "EC P-256";
    case KeyType::ed25519:
      return "OKP Ed25519";
  }
  return "unknown";
}

KeyType key_type_for(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::rs256:
    case JwsAlg::ps256:
      return KeyType::rsa;
    case JwsAlg::es256:
      return KeyType::ec_p256;
    case JwsAlg::eddsa:
      return KeyType::ed25519;
  }
  return KeyType::rsa;
}

Result<KeySet> parse_jwks(std::string_view text) {
  ClearErrorsOnExit clear;
  auto doc = parse_json_object(text);
  if (!doc) return fail(Error::unavailable("the issuer's JWKS " + doc.error()));
  auto keys = doc->find("keys");
  if (keys == doc->end() || !keys->is_array())
    return fail(Error::unavailable("the issuer's JWKS has no \"keys\" array"));
  KeySet set;
  std::size_t seen = 0;
  for (const auto& jwk : *keys) {
    if (++seen > kMaxKeys) break;
    if (!jwk.is_object()) continue;
    auto kid = member(jwk, "kid");
    if (!kid || kid->empty() || set.contains(*kid)) continue;  // a kid named twice: the first one
    if (auto use = member(jwk, "use"); use && *use != "sig") continue;
    if (jwk.contains("use") && !jwk["use"].is_string()) continue;
    std::optional<JwsAlg> alg;
    if (jwk.contains("alg")) {
      auto name = member(jwk, "alg");
      alg = name ? parse_jws_alg(*name) : std::nullopt;
      if (!alg) continue;  // a key for an algorithm this verifier does not use
    }
    auto key = key_of(jwk);
    if (!key) continue;
    if (alg && key_type_for(*alg) != key->first) continue;  // a key that contradicts itself
    auto entry = std::make_shared<Jwk>();
    entry->kid = *kid;
    entry->type = key->first;
    entry->alg = alg;
    entry->key = std::move(key->second);
    set.emplace(*kid, std::move(entry));
  }
  return set;
}

bool verify_jws(JwsAlg alg, EVP_PKEY& key, std::string_view signing_input, std::string_view signature) {
  ClearErrorsOnExit clear;
  std::string der;
  if (alg == JwsAlg::es256) {
    auto converted = es256_der(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  // EdDSA hashes inside the algorithm: no digest is named for it (RFC 8032 PureEdDSA).
  const EVP_MD* digest = alg == JwsAlg::eddsa ? nullptr : EVP_sha256();
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, digest, nullptr, &key) != 1) return false;
  if (alg == JwsAlg::ps256 && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                               EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                               EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1))
    return false;
  if (alg == JwsAlg::rs256 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(signing_input), signing_input.size()) ==
         1;
}

}  // namespace concord::auth::detail
