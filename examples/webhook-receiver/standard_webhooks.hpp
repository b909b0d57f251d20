#pragma once
// Verifying a Concord webhook delivery as the Standard Webhooks specification describes it
// (https://www.standardwebhooks.com): the `webhook-signature` header holds one or more
// space-separated "v1,<base64 HMAC-SHA256>" signatures of "<webhook-id>.<webhook-timestamp>.<body>",
// keyed with the base64-decoded part of the subscription's "whsec_..." secret. During a secret
// rotation Concord signs with both secrets, so either one verifies.
//
// Only OpenSSL underneath: copy these files into your own receiver.
#include <string>
#include <string_view>
#include <vector>

namespace concord_example {

enum class Verdict {
  verified,
  missing_headers,     // webhook-id, webhook-timestamp or webhook-signature absent or empty
  bad_timestamp,       // not a whole number of seconds
  stale_timestamp,     // further than the tolerance from now: a replayed or delayed capture
  no_valid_secret,     // none of the configured secrets is a well-formed "whsec_<base64>"
  signature_mismatch,  // no signature matched any secret
};

const char* describe(Verdict verdict);

struct Delivery {
  std::string_view id;          // webhook-id: the same on every attempt of one event
  std::string_view timestamp;   // webhook-timestamp: seconds since the epoch, as sent
  std::string_view signatures;  // webhook-signature
  std::string_view body;        // the exact bytes received
};

// `secrets`: the subscription's current secret and, while rotating on the receiver's side, the
// previous one. `now` in seconds since the epoch; `tolerance_seconds` bounds replays.
Verdict verify(const std::vector<std::string>& secrets, const Delivery& delivery, long long now,
               long long tolerance_seconds = 300);

}  // namespace concord_example
