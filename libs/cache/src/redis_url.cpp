#include <charconv>
#include <string>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "concord/cache/redis_cache.hpp"

namespace concord::cache {
namespace {

// A non-empty run of digits, no sign, within [lo, hi].
template <class Int>
bool parse_number(std::string_view text, Int lo, Int hi, Int& out) {
  if (text.empty() || text.front() == '+' || text.front() == '-') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= lo && out <= hi;
}

Error bad(std::string_view why) {
  return Error::bad_request("REDIS_URL: " + std::string(why));
}

}  // namespace

Result<RedisEndpoint> parse_redis_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(boost::urls::string_view(text.data(), text.size()));
  if (!parsed) return fail(bad("not a URL (expected redis://[:password@]host:port[/db])"));
  const auto& url = *parsed;
  if (url.scheme() == "rediss") return fail(bad("TLS (rediss://) is not supported"));
  if (url.scheme() != "redis") return fail(bad("the scheme must be redis://"));
  if (!url.has_authority() || url.encoded_host().empty()) return fail(bad("a host is required"));
  if (url.has_query()) return fail(bad("query parameters are not supported"));
  if (url.has_fragment()) return fail(bad("a fragment is not allowed"));

  RedisEndpoint out;
  if (url.host_type() == boost::urls::host_type::ipvfuture) return fail(bad("unsupported host"));
  out.host = url.host_address();  // decoded, an IPv6 address without its brackets
  if (url.has_port()) {
    auto port = std::string_view(url.port().data(), url.port().size());
    if (!parse_number<std::uint16_t>(port, 1, 65535, out.port)) return fail(bad("the port must be 1..65535"));
  }
  if (url.has_userinfo()) {
    if (!url.has_password()) return fail(bad("credentials must be :password@ or user:password@"));
    out.username = url.user();
    out.password = url.password();
    if (out.password.empty()) return fail(bad("the password is empty"));
  }
  auto path = std::string_view(url.encoded_path().data(), url.encoded_path().size());
  // Boost.URL 1.81 reads "host:63a9" as port 63 and path "a9": insist on the slash.
  if (!path.empty() && path != "/") {
    if (path.front() != '/' || !parse_number<int>(path.substr(1), 0, 1 << 20, out.db)) {
      return fail(bad("the path must be /<db number>"));
    }
  }
  return out;
}

}  // namespace concord::cache
