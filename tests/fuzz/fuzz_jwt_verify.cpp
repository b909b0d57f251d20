// Bearer tokens from anyone: verification never crashes or throws, and never accepts a token
// that the fixed secret did not sign.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "concord/auth/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto verifier = *concord::auth::Verifier::create(
      {.algorithm = concord::auth::Algorithm::hs256, .hs256_secret = "fuzzing-secret-fuzzing-secret-0123456789"});
  std::string_view token(reinterpret_cast<const char*>(data), size);
  auto principal = verifier.authenticate(token, concord::Timestamp{std::chrono::milliseconds{1'759'000'000'000}});
  // The fuzzer cannot forge an HMAC: any acceptance is a bug.
  if (principal) std::abort();
  return 0;
}
