#include "fast_json.hpp"

#include <charconv>
#include <string>

namespace concord::events::detail {
namespace {

using nlohmann::json;

// Well-formed UTF-8 as RFC 3629 defines it (and nlohmann's lexer checks): no overlongs, no
// surrogates, nothing past U+10FFFF. Returns the sequence's length at p, or 0.
size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  auto in = [](unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; };
  size_t left = static_cast<size_t>(end - p);
  unsigned char c = p[0];
  if (in(c, 0xC2, 0xDF)) return left >= 2 && in(p[1], 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return left >= 3 && in(p[1], 0xA0, 0xBF) && in(p[2], 0x80, 0xBF) ? 3 : 0;
  if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF)) return left >= 3 && in(p[1], 0x80, 0xBF) && in(p[2], 0x80, 0xBF) ? 3 : 0;
  if (c == 0xED) return left >= 3 && in(p[1], 0x80, 0x9F) && in(p[2], 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return left >= 4 && in(p[1], 0x90, 0xBF) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
  if (in(c, 0xF1, 0xF3))
    return left >= 4 && in(p[1], 0x80, 0xBF) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4) return left >= 4 && in(p[1], 0x80, 0x8F) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
  return 0;
}

class Reader {
 public:
  explicit Reader(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), end_(p_ + text.size()) {}

  bool document(json& out) {
    space();
    if (!value(out, 0)) return false;
    space();
    return p_ == end_;
  }
  bool prefix(json& out) { return value(out, 0); }
  size_t used(std::string_view text) const {
    return static_cast<size_t>(p_ - reinterpret_cast<const unsigned char*>(text.data()));
  }

 private:
  void space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::string_view(reinterpret_cast<const char*>(p_), word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  bool value(json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        if (!literal("true")) return false;
        out = true;
        return true;
      case 'f':
        if (!literal("false")) return false;
        out = false;
        return true;
      case 'n':
        if (!literal("null")) return false;
        out = nullptr;
        return true;
      default:
        return integer(out);
    }
  }

  bool object(json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    out = json::object();
    auto& members = *out.get_ptr<json::object_t*>();
    space();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    std::string key;
    for (;;) {
      space();
      if (p_ == end_ || *p_ != '"' || !string(key)) return false;
      space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      space();
      // A repeated name keeps its last value, as nlohmann's parser does.
      if (!value(members[key], depth)) return false;
      space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      return true;
    }
  }

  bool array(json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    out = json::array();
    auto& items = *out.get_ptr<json::array_t*>();
    space();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      space();
      if (!value(items.emplace_back(), depth)) return false;
      space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      return true;
    }
  }

  bool string(std::string& out) {
    ++p_;  // the opening quote
    out.clear();
    for (;;) {
      const unsigned char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && *p_ >= 0x20 && *p_ < 0x80) ++p_;
      out.append(reinterpret_cast<const char*>(run), static_cast<size_t>(p_ - run));
      if (p_ == end_) return false;
      unsigned char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (end_ - p_ < 2) return false;
        char e;
        switch (p_[1]) {
          case '"':
            e = '"';
            break;
          case '\\':
            e = '\\';
            break;
          case '/':
            e = '/';
            break;
          case 'b':
            e = '\b';
            break;
          case 'f':
            e = '\f';
            break;
          case 'n':
            e = '\n';
            break;
          case 'r':
            e = '\r';
            break;
          case 't':
            e = '\t';
            break;
          default:
            return false;  // \u and anything else: the general parser
        }
        out += e;
        p_ += 2;
        continue;
      }
      size_t n = utf8_sequence(p_, end_);
      if (n == 0) return false;
      out.append(reinterpret_cast<const char*>(p_), n);
      p_ += n;
    }
  }

  // -?(0|[1-9][0-9]*) with no fraction or exponent, within 64 bits; else the general parser.
  bool integer(json& out) {
    const unsigned char* start = p_;
    bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    const unsigned char* digits = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    if (p_ == digits || (p_ - digits > 1 && *digits == '0')) return false;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    auto first = reinterpret_cast<const char*>(start), last = reinterpret_cast<const char*>(p_);
    if (negative) {
      long long v;
      auto [ptr, ec] = std::from_chars(first, last, v);
      if (ec != std::errc{} || ptr != last) return false;
      out = v;
    } else {
      unsigned long long v;
      auto [ptr, ec] = std::from_chars(first, last, v);
      if (ec != std::errc{} || ptr != last) return false;
      out = v;
    }
    return true;
  }

  const unsigned char* p_;
  const unsigned char* end_;
};

}  // namespace

std::optional<nlohmann::json> parse_json_subset(std::string_view text) {
  json out;
  Reader reader(text);
  if (!reader.document(out)) return std::nullopt;
  return out;
}

std::optional<nlohmann::json> read_json_subset(std::string_view text, size_t& used) {
  json out;
  Reader reader(text);
  if (!reader.prefix(out)) return std::nullopt;
  used = reader.used(text);
  return out;
}

}  // namespace concord::events::detail
