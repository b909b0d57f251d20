#include "token_fixtures.hpp"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace concord::auth::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

void bio_free(BIO* b) {
  BIO_free(b);
}
using Bio = std::unique_ptr<BIO, Deleter<BIO, bio_free>>;

KeyPair generate() {
  auto pair = generate_ed25519_keypair_pem();
  if (!pair) throw std::runtime_error(pair.error().detail);
  return {pair->first, pair->second};
}

}  // namespace

std::int64_t seconds_of(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string b64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    unsigned v = at(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    unsigned v = at(i) << 16 | at(i + 1) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string ed25519_sign(std::string_view private_pem, std::string_view input) {
  Bio bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("test private key does not load");
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("test signing failed");
  sig.resize(len);
  return sig;
}

std::string ec_p256_public_key_pem() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

const KeyPair& test_keys() {
  static const KeyPair keys = generate();
  return keys;
}

const KeyPair& other_keys() {
  static const KeyPair keys = generate();
  return keys;
}

JwtConfig config_for(Algorithm algorithm) {
  JwtConfig c;
  c.algorithm = algorithm;
  if (algorithm == Algorithm::hs256) {
    c.hs256_secret = kSecret;
  } else {
    c.ed25519_public_key_pem = test_keys().public_pem;
    c.ed25519_private_key_pem = test_keys().private_pem;
  }
  return c;
}

Verifier verifier_for(const JwtConfig& config) {
  auto v = Verifier::create(config);
  if (!v) throw std::runtime_error(v.error().detail);
  return *v;
}

nlohmann::json standard_header(Algorithm algorithm) {
  return {{"alg", algorithm == Algorithm::hs256 ? "HS256" : "EdDSA"}, {"typ", "JWT"}};
}

nlohmann::json standard_claims() {
  return {{"iss", "concord"},
          {"aud", "concord"},
          {"sub", "user-1"},
          {"iat", seconds_of(kNow)},
          {"exp", seconds_of(kNow + 1h)},
          {"roles", {"protocol_officer"}}};
}

std::string sign_segments(std::string_view header_segment, std::string_view payload_segment, Algorithm algorithm,
                          const JwtConfig& config) {
  std::string input = std::string(header_segment) + "." + std::string(payload_segment);
  std::string sig = algorithm == Algorithm::hs256 ? hmac_sha256(config.hs256_secret, input)
                                                  : ed25519_sign(config.ed25519_private_key_pem, input);
  return input + "." + b64url(sig);
}

std::string sign(const nlohmann::json& header, const nlohmann::json& claims, const JwtConfig& config) {
  return sign_segments(b64url(header.dump()), b64url(claims.dump()), config.algorithm, config);
}

std::string sign_claims(const nlohmann::json& claims, const JwtConfig& config) {
  return sign(standard_header(config.algorithm), claims, config);
}

TokenParts parts_of(std::string_view token) {
  auto a = token.find('.');
  auto b = token.find('.', a + 1);
  return {std::string(token.substr(0, a)), std::string(token.substr(a + 1, b - a - 1)),
          std::string(token.substr(b + 1))};
}

TempDir::TempDir() {
  auto pattern = (std::filesystem::temp_directory_path() / "concord-auth-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace concord::auth::testing
