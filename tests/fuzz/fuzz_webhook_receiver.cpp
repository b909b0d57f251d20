// The webhook receiver example (examples/webhook-receiver): its HTTP request reader and the
// Standard Webhooks verification on whatever bytes a network peer sends. Never crash; a request
// read as complete lies within the input and carries exactly its Content-Length; a forged
// signature never verifies.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http_request.hpp"
#include "standard_webhooks.hpp"

namespace {
// The seeds are signed with this secret at this time (make_seeds.py).
const std::string kSecret = "whsec_Y29uY29yZC1mdXp6LXdlYmhvb2stc2VjcmV0";
constexpr long long kNow = 1767225600;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  concord_example::Limits limits{.max_head_bytes = 4096, .max_headers = 32, .max_body_bytes = 65536};
  auto parsed = concord_example::parse_request(input, limits);
  if (parsed.state != concord_example::Parsed::State::complete) return 0;
  const auto& req = parsed.request;
  if (parsed.consumed > size || req.body.size() > limits.max_body_bytes || req.headers.size() > limits.max_headers)
    std::abort();
  concord_example::Delivery delivery{req.header("webhook-id"), req.header("webhook-timestamp"),
                                     req.header("webhook-signature"), req.body};
  auto verdict = concord_example::verify({kSecret}, delivery, kNow);
  // The same delivery under a secret nobody signed with must not verify.
  auto forged = concord_example::verify({"whsec_b3RoZXItc2VjcmV0LW5vYm9keS1zaWducw=="}, delivery, kNow);
  if (forged == concord_example::Verdict::verified) std::abort();
  (void)concord_example::describe(verdict);
  // A secret taken from the input: any bytes, any length.
  (void)concord_example::verify({std::string(req.header("x-secret"))}, delivery, kNow);
  return 0;
}
