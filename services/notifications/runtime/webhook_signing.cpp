#include "notifications/runtime/webhook_signing.hpp"

#include "concord/crypto/crypto.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/url/parse.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

namespace concord::notifications {

std::string webhook_secret(std::string_view service_key, std::string_view webhook_id, int generation) {
  std::string what = "whsec:" + std::string(webhook_id);
  if (generation > 0) what += ":" + std::to_string(generation);  // generation 0 keeps wave 1's secrets
  return "whsec_" + crypto::base64_encode(crypto::hmac_sha256(service_key, what));
}

std::string webhook_signature(std::string_view secret, std::string_view id, long long timestamp,
                              std::string_view body) {
  std::string_view encoded = secret;
  if (encoded.starts_with("whsec_")) encoded.remove_prefix(6);
  std::string message = std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
  // A secret this service made always decodes; anything else signs with an empty key.
  return "v1," + crypto::base64_encode(crypto::hmac_sha256(crypto::base64_decode(encoded).value_or(""), message));
}

namespace {

bool public_v4(const in_addr& a) {
  uint32_t ip = ntohl(a.s_addr);
  auto in = [&](uint32_t net, int bits) { return (ip >> (32 - bits)) == (net >> (32 - bits)); };
  return !(in(0x00000000, 8) ||   // 0.0.0.0/8
           in(0x0A000000, 8) ||   // 10/8
           in(0x64400000, 10) ||  // 100.64/10 (carrier-grade NAT)
           in(0x7F000000, 8) ||   // loopback
           in(0xA9FE0000, 16) ||  // link-local (cloud metadata)
           in(0xAC100000, 12) ||  // 172.16/12
           in(0xC0000000, 24) ||  // 192.0.0/24
           in(0xC0A80000, 16) ||  // 192.168/16
           in(0xC6120000, 15) ||  // 198.18/15
           ip >= 0xE0000000);     // multicast, reserved, broadcast
}

bool public_v6(const in6_addr& a) {
  if (IN6_IS_ADDR_V4MAPPED(&a)) {
    in_addr v4;
    std::memcpy(&v4, a.s6_addr + 12, 4);
    return public_v4(v4);
  }
  if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_LINKLOCAL(&a) ||
      IN6_IS_ADDR_SITELOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a))
    return false;
  return (a.s6_addr[0] & 0xFE) != 0xFC;  // fc00::/7 unique local
}

}  // namespace

Status check_webhook_target(const std::string& url, bool allow_private) {
  auto bad = [](std::string message) { return fail(Error::validation("/url", std::move(message))); };
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return bad("must be an absolute https:// or http:// URL");
  if (parsed->scheme() != "https" && parsed->scheme() != "http")
    return bad("must be an absolute https:// or http:// URL");
  if (parsed->has_userinfo()) return bad("must not carry user information");
  if (parsed->has_fragment()) return bad("must not carry a fragment");
  std::string host = parsed->host_address();
  if (host.empty()) return bad("has no host");
  if (parsed->has_port()) {
    auto port = parsed->port_number();
    if (port < 1 || std::string(parsed->port()).size() > 5) return bad("has a port outside 1-65535");
  }
  if (allow_private) return {};
  // A first check when the subscription is made, so a mistake is a 422 at once; every delivery
  // checks again the address it actually connects to (public_address).
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found)
    return bad("host '" + host + "' does not resolve");
  bool ok = true;
  for (auto* a = found; a; a = a->ai_next) {
    if (a->ai_family == AF_INET && !public_v4(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)) ok = false;
    if (a->ai_family == AF_INET6 && !public_v6(reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr)) ok = false;
  }
  ::freeaddrinfo(found);
  if (!ok)
    return bad("host '" + host +
               "' resolves to a loopback, private or link-local address; such targets are refused "
               "(server-side request forgery)");
  return {};
}

bool public_address(const std::string& address) {
  in_addr v4{};
  if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) return public_v4(v4);
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) == 1) return public_v6(v6);
  return false;
}

}  // namespace concord::notifications
