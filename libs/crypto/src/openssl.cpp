// Everything that calls OpenSSL 3: digests, MACs, the DRBG and Ed25519.
#include <climits>
#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "concord/crypto/crypto.hpp"

namespace concord::crypto {
namespace {

// Leave no error behind on this thread's OpenSSL queue for unrelated code to trip over.
struct ClearErrorsOnExit {
  ~ClearErrorsOnExit() { ERR_clear_error(); }
};

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Never prompt on a terminal for a pass phrase: an encrypted key simply fails to load.
int no_pass_phrase(char*, int, int, void*) {
  return -1;
}

Bio memory_bio(std::string_view text) {
  if (text.size() > INT_MAX) return nullptr;
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Pkey private_key(std::string_view raw) {
  if (raw.size() != kEd25519PrivateKeyBytes) return nullptr;
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(raw), raw.size()));
}

std::optional<std::string> raw_public(const EVP_PKEY& key) {
  std::string out(kEd25519PublicKeyBytes, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(&key, reinterpret_cast<unsigned char*>(out.data()), &len) != 1 || len != out.size())
    return std::nullopt;
  return out;
}

std::string pem_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len > 0 ? len : 0));
}

}  // namespace

std::string sha256(std::string_view data) {
  ClearErrorsOnExit clear;
  std::string out(kSha256Bytes, '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(), nullptr) !=
          1 ||
      len != kSha256Bytes)
    throw std::runtime_error("SHA-256 failed");
  return out;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  ClearErrorsOnExit clear;
  if (key.size() > INT_MAX) throw std::length_error("HMAC-SHA256 key too long");
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
            reinterpret_cast<unsigned char*>(out.data()), &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  out.resize(len);
  return out;
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t n) {
  ClearErrorsOnExit clear;
  std::string out(n, '\0');
  if (n > INT_MAX || RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("no randomness from the CSPRNG (RAND_bytes failed)");
  return out;
}

std::optional<std::string> ed25519_sign(std::string_view private_key_raw, std::string_view message) {
  ClearErrorsOnExit clear;
  Pkey key = private_key(private_key_raw);
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return std::nullopt;
  std::string signature(kEd25519SignatureBytes, '\0');
  std::size_t len = signature.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, bytes(message),
                     message.size()) != 1 ||
      len != kEd25519SignatureBytes)
    return std::nullopt;
  return signature;
}

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  ClearErrorsOnExit clear;
  if (public_key.size() != kEd25519PublicKeyBytes || signature.size() != kEd25519SignatureBytes) return false;
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), public_key.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message), message.size()) == 1;
}

std::optional<std::string> ed25519_public_key_of(std::string_view private_key_raw) {
  ClearErrorsOnExit clear;
  Pkey key = private_key(private_key_raw);
  if (!key) return std::nullopt;
  return raw_public(*key);
}

std::expected<std::string, std::string> ed25519_public_key_from_pem(std::string_view pem) {
  ClearErrorsOnExit clear;
  auto bio = memory_bio(pem);
  if (!bio) return std::unexpected("the public key is too large");
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_pass_phrase, nullptr));
  if (!key) return std::unexpected("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
    return std::unexpected("the public key is not an Ed25519 key");
  auto raw = raw_public(*key);
  if (!raw) return std::unexpected("the Ed25519 public key could not be read");
  return *raw;
}

std::expected<std::string, std::string> ed25519_private_key_from_pem(std::string_view pem) {
  ClearErrorsOnExit clear;
  auto bio = memory_bio(pem);
  if (!bio) return std::unexpected("the private key is too large");
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass_phrase, nullptr));
  if (!key) return std::unexpected("not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
    return std::unexpected("the private key is not an Ed25519 key");
  std::string out(kEd25519PrivateKeyBytes, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1 ||
      len != out.size())
    return std::unexpected("the Ed25519 private key could not be read");
  return out;
}

std::expected<std::pair<std::string, std::string>, std::string> ed25519_generate_pem() {
  ClearErrorsOnExit clear;
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return std::unexpected("could not generate an Ed25519 key pair");
  Bio pub(BIO_new(BIO_s_mem()));
  Bio priv(BIO_new(BIO_s_mem()));
  if (!pub || !priv || PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1 ||
      PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return std::unexpected("could not write the Ed25519 key pair as PEM");
  return std::pair{pem_text(pub.get()), pem_text(priv.get())};
}

}  // namespace concord::crypto
