#include "http_request.hpp"

#include <algorithm>
#include <charconv>

namespace concord_example {
namespace {

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

// Field values: visible characters, spaces and tabs, and bytes of UTF-8 (obs-text).
bool is_field_value(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  return out;
}

Parsed refuse(int status, std::string reason) {
  Parsed p;
  p.state = Parsed::State::refused;
  p.status = status;
  p.reason = std::move(reason);
  return p;
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return {};
}

Parsed parse_request(std::string_view input, const Limits& limits) {
  size_t head_end = input.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (input.size() > limits.max_head_bytes) return refuse(431, "the request head is too large");
    return {};
  }
  if (head_end + 4 > limits.max_head_bytes) return refuse(431, "the request head is too large");

  std::string_view head = input.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  std::string_view header_lines = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);

  Parsed parsed;
  Request& req = parsed.request;
  size_t first_space = request_line.find(' ');
  size_t last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) return refuse(400, "malformed request line");
  std::string_view method = request_line.substr(0, first_space);
  std::string_view target = request_line.substr(first_space + 1, last_space - first_space - 1);
  std::string_view version = request_line.substr(last_space + 1);
  if (!is_token(method)) return refuse(400, "malformed method");
  if (target.empty() || target.front() != '/' || !std::all_of(target.begin(), target.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
      }))
    return refuse(400, "malformed target");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return refuse(505, "only HTTP/1.1 is served");
  req.method = std::string(method);
  req.target = std::string(target);

  bool has_length = false;
  size_t content_length = 0;
  while (!header_lines.empty()) {
    size_t end = header_lines.find("\r\n");
    std::string_view line = header_lines.substr(0, end);
    header_lines = end == std::string_view::npos ? std::string_view{} : header_lines.substr(end + 2);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) return refuse(400, "folded header lines");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return refuse(400, "malformed header");
    std::string_view value = trim(line.substr(colon + 1));
    if (!is_field_value(value)) return refuse(400, "control characters in a header value");
    if (req.headers.size() == limits.max_headers) return refuse(431, "too many headers");
    std::string name = lower(line.substr(0, colon));
    if (name == "transfer-encoding") return refuse(501, "chunked bodies are not accepted; send Content-Length");
    if (name == "content-length") {
      size_t length = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec != std::errc() || p != value.data() + value.size()) return refuse(400, "malformed Content-Length");
      if (has_length && length != content_length) return refuse(400, "conflicting Content-Length headers");
      has_length = true;
      content_length = length;
    }
    req.headers.emplace_back(std::move(name), std::string(value));
  }

  if (content_length > limits.max_body_bytes) return refuse(413, "the body is too large");
  size_t body_start = head_end + 4;
  if (input.size() - body_start < content_length) return {};
  req.body = std::string(input.substr(body_start, content_length));
  parsed.state = Parsed::State::complete;
  parsed.consumed = body_start + content_length;
  return parsed;
}

}  // namespace concord_example
