#pragma once
// Standard Webhooks signing (https://www.standardwebhooks.com): the secret "whsec_<base64>",
// and webhook-signature "v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">" keyed with the
// secret's base64-decoded bytes. Secrets are not stored anywhere: each is derived from the
// service's webhook key and the subscription id, so no event ever carries one.
#include <string>
#include <string_view>

#include "concord/core/error.hpp"

namespace concord::notifications {

// "whsec_" + base64(HMAC-SHA256(service key, "whsec:<webhook id>[:<generation>]")): rotating a
// secret raises its generation, so nothing about a secret is ever stored or written.
std::string webhook_secret(std::string_view service_key, std::string_view webhook_id, int generation = 0);
// "v1,<base64>" for the given secret ("whsec_..." form).
std::string webhook_signature(std::string_view secret, std::string_view id, long long timestamp, std::string_view body);

// Whether `url` may be delivered to: an absolute https:// (or http://) URL without user
// information; unless private targets are allowed, the host is resolved and refused when any
// address is loopback, private, link-local, unspecified, multicast or otherwise not public.
// The error is a validation error at /url.
Status check_webhook_target(const std::string& url, bool allow_private);
// The same rule for one address (text form), as the client is about to connect to it.
bool public_address(const std::string& address);

}  // namespace concord::notifications
