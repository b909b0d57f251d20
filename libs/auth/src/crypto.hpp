#pragma once
// The OpenSSL key handle the JSON Web Key Set code (jwk.cpp) keeps for RSA and EC keys. Every
// other primitive (HMAC, Ed25519, base64url, randomness) comes from concord::crypto. Private to
// libs/auth: nothing outside this directory includes an OpenSSL header through us.
#include <memory>

#include <openssl/evp.h>

namespace concord::auth::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

}  // namespace concord::auth::detail
