#pragma once
// A fresh Ed25519 key pair made with OpenSSL, for tests that sign like a member's token would.
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace concord::documents::testing {

class Ed25519Key {
 public:
  Ed25519Key() : key_(generate(), &EVP_PKEY_free) {}

  // The raw 32-byte public key.
  std::string public_raw() const {
    std::string out(32, '\0');
    size_t len = out.size();
    if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1 || len != 32)
      throw std::runtime_error("EVP_PKEY_get_raw_public_key failed");
    return out;
  }

  std::string sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1)
      throw std::runtime_error("EVP_DigestSignInit failed");
    std::string sig(64, '\0');
    size_t len = sig.size();
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
      throw std::runtime_error("EVP_DigestSign failed");
    sig.resize(len);
    return sig;
  }

 private:
  static EVP_PKEY* generate() {
    EVP_PKEY* key = nullptr;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                                    &EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &key) != 1)
      throw std::runtime_error("Ed25519 key generation failed");
    return key;
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

}  // namespace concord::documents::testing
