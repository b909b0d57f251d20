#include "crypto.hpp"

#include <climits>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "concord/auth/jwt.hpp"

namespace concord::auth::detail {
namespace {

// Leave no error behind on this thread's OpenSSL queue for unrelated code to trip over.
struct ClearErrorsOnExit {
  ~ClearErrorsOnExit() { ERR_clear_error(); }
};

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Never prompt on a terminal for a pass phrase: an encrypted key simply fails to load.
int no_pass_phrase(char*, int, int, void*) { return -1; }

Bio memory_bio(std::string_view text) {
  if (text.size() > INT_MAX) return nullptr;
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::optional<std::string> hmac_sha256(std::string_view key, std::string_view data) {
  ClearErrorsOnExit clear;
  if (key.size() > INT_MAX) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out, &out_len))
    return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Pkey> load_ed25519_public_key(std::string_view pem) {
  ClearErrorsOnExit clear;
  auto bio = memory_bio(pem);
  if (!bio) return fail(Error::internal("the public key is too large"));
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_pass_phrase, nullptr));
  if (!key) return fail(Error::internal("not a PEM public key (-----BEGIN PUBLIC KEY-----)"));
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
    return fail(Error::internal("the public key is not an Ed25519 key"));
  return key;
}

Result<Pkey> load_ed25519_private_key(std::string_view pem) {
  ClearErrorsOnExit clear;
  auto bio = memory_bio(pem);
  if (!bio) return fail(Error::internal("the private key is too large"));
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass_phrase, nullptr));
  if (!key) return fail(Error::internal("not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)"));
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
    return fail(Error::internal("the private key is not an Ed25519 key"));
  return key;
}

std::optional<std::string> raw_public_key(const EVP_PKEY& key) {
  ClearErrorsOnExit clear;
  unsigned char out[64];
  std::size_t len = sizeof out;
  if (EVP_PKEY_get_raw_public_key(&key, out, &len) != 1) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::optional<std::string> ed25519_sign(EVP_PKEY& private_key, std::string_view data) {
  ClearErrorsOnExit clear;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, &private_key) != 1) return std::nullopt;
  std::string signature(kEd25519SignatureBytes, '\0');
  std::size_t len = signature.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, bytes(data), data.size()) != 1)
    return std::nullopt;
  signature.resize(len);
  return signature;
}

bool ed25519_verify(EVP_PKEY& public_key, std::string_view data, std::string_view signature) {
  ClearErrorsOnExit clear;
  if (signature.size() != kEd25519SignatureBytes) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, &public_key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(data), data.size()) == 1;
}

std::optional<std::string> random_bytes(std::size_t n) {
  ClearErrorsOnExit clear;
  std::string out(n, '\0');
  if (n > INT_MAX || RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return std::nullopt;
  return out;
}

std::string to_hex(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0F];
  }
  return out;
}

}  // namespace concord::auth::detail

namespace concord::auth {

Result<std::pair<std::string, std::string>> generate_ed25519_keypair_pem() {
  using namespace detail;
  ClearErrorsOnExit clear;
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return fail(Error::internal("could not generate an Ed25519 key pair"));
  Bio pub(BIO_new(BIO_s_mem()));
  Bio priv(BIO_new(BIO_s_mem()));
  if (!pub || !priv || PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1 ||
      PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return fail(Error::internal("could not write the Ed25519 key pair as PEM"));
  auto text = [](BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len > 0 ? len : 0));
  };
  return std::pair{text(pub.get()), text(priv.get())};
}

}  // namespace concord::auth
