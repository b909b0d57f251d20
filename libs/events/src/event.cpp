// CloudEvents 1.0, structured JSON mode (https://github.com/cloudevents/spec, json-format.md).
#include "concord/events/event.hpp"

#include "concord/core/ascii.hpp"
#include "concord/core/log.hpp"
#include "fast_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace concord::events {
namespace {

// The optional string attributes of an event (absent is empty), by name: of a mutable event to
// read them into, or of a const one to check them.
template <class E>
auto optional_string_attributes(E& e) {
  using Slot = std::conditional_t<std::is_const_v<E>, const std::string*, std::string*>;
  return std::array<std::pair<const char*, Slot>, 9>{{{"subject", &e.subject},
                                                      {"datacontenttype", &e.datacontenttype},
                                                      {"dataschema", &e.dataschema},
                                                      {"actor", &e.actor},
                                                      {"correlationid", &e.correlationid},
                                                      {"causationid", &e.causationid},
                                                      {"traceparent", &e.traceparent},
                                                      {"idempotencykey", &e.idempotencykey},
                                                      {"requestdigest", &e.requestdigest}}};
}

using nlohmann::json;

Error attribute_error(std::string_view attribute, std::string_view message) {
  return Error::bad_request("CloudEvent attribute '" + std::string(attribute) + "' " + std::string(message),
                            "/" + std::string(attribute));
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    unsigned int cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::array<unsigned int, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;  // overlong, surrogate
    i += len;
  }
  return true;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// W3C Trace Context: version-traceid-parentid-flags, lowercase hex, ids not all zero.
bool valid_traceparent(std::string_view t) {
  if (t.size() < 55 || t[2] != '-' || t[35] != '-' || t[52] != '-') return false;
  auto version = t.substr(0, 2), trace = t.substr(3, 32), parent = t.substr(36, 16), flags = t.substr(53, 2);
  if (!is_lower_hex(version) || !is_lower_hex(trace) || !is_lower_hex(parent) || !is_lower_hex(flags)) return false;
  if (version == "ff") return false;
  if (trace.find_first_not_of('0') == std::string_view::npos) return false;
  if (parent.find_first_not_of('0') == std::string_view::npos) return false;
  if (version == "00") return t.size() == 55;
  return t.size() == 55 || t[55] == '-';  // a later version may append fields
}

// data is a JSON object, so its media type must be JSON: application/json, text/json or */*+json.
bool is_json_media_type(std::string_view m) {
  if (m == "application/json") return true;
  auto base = m.substr(0, m.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  auto same = ascii_iequals;
  return same(base, "application/json") || same(base, "text/json") ||
         (base.size() > 5 && same(base.substr(base.size() - 5), "+json") && base.find('/') != std::string_view::npos);
}

// An absolute URI starts with a scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
bool has_uri_scheme(std::string_view u) {
  auto colon = u.find(':');
  if (colon == 0 || colon == std::string_view::npos || !std::isalpha(static_cast<unsigned char>(u[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = u[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

constexpr Timestamp kEarliest = std::chrono::sys_days{std::chrono::year{0} / 1 / 1};
constexpr Timestamp kLatest = std::chrono::sys_days{std::chrono::year{10000} / 1 / 1} - std::chrono::milliseconds{1};

// The attributes with a format of their own, whichever way the event was read.
Status check_formats(const Event& e) {
  if (!e.datacontenttype.empty() && !is_json_media_type(e.datacontenttype))
    return fail(attribute_error("datacontenttype", "must be a JSON media type, since data is a JSON object"));
  if (!e.dataschema.empty() && !has_uri_scheme(e.dataschema))
    return fail(attribute_error("dataschema", "must be an absolute URI"));
  if (!e.traceparent.empty() && !valid_traceparent(e.traceparent))
    return fail(attribute_error("traceparent", "must be a W3C trace context (00-<32 hex>-<16 hex>-<2 hex>)"));
  if (!e.idempotencykey.empty() && (e.idempotencykey.size() != 64 || !is_lower_hex(e.idempotencykey)))
    return fail(attribute_error("idempotencykey", "must be a SHA-256 in lowercase hex"));
  if (!e.requestdigest.empty() && (e.requestdigest.size() != 64 || !is_lower_hex(e.requestdigest)))
    return fail(attribute_error("requestdigest", "must be a SHA-256 in lowercase hex"));
  return {};
}

// Checks the data value the way dump() and parse() would disagree: strings (and keys) must be
// UTF-8 and numbers finite, or the event would come back different from what was appended.
Status validate_data(const json& data) {
  if (!data.is_object()) return fail(attribute_error("data", "must be a JSON object"));
  std::vector<const json*> stack = {&data};
  while (!stack.empty()) {
    const json* v = stack.back();
    stack.pop_back();
    if (v->is_string()) {
      if (!valid_utf8(v->get_ref<const std::string&>()))
        return fail(attribute_error("data", "holds a string that is not UTF-8"));
    } else if (v->is_number_float()) {
      if (!std::isfinite(v->get<double>())) return fail(attribute_error("data", "holds a number that is not finite"));
    } else if (v->is_object()) {
      for (const auto& [key, child] : v->items()) {
        if (!valid_utf8(key)) return fail(attribute_error("data", "holds a member name that is not UTF-8"));
        stack.push_back(&child);
      }
    } else if (v->is_array()) {
      for (const auto& child : *v) stack.push_back(&child);
    } else if (v->is_binary()) {
      return fail(attribute_error("data", "holds binary, which JSON cannot carry"));
    }
  }
  return {};
}

// Reads the envelope out of `doc`; from a mutable document it moves strings and data out.
template <class Json>
Result<Event> extract(Json& doc) {
  constexpr bool take = !std::is_const_v<Json>;
  if (!doc.is_object()) return fail(Error::bad_request("a CloudEvent must be a JSON object", ""));
  auto spec = doc.find("specversion");
  if (spec == doc.end()) return fail(attribute_error("specversion", "is required"));
  if (!spec->is_string() || spec->template get_ref<const std::string&>() != "1.0")
    return fail(attribute_error("specversion",
                                "must be \"1.0\", not " + spec->dump(-1, ' ', false, json::error_handler_t::replace)));
  Event e;
  auto string_of = [](Json& v) -> std::string {
    if constexpr (take)
      return std::move(v.template get_ref<std::string&>());
    else
      return v.template get_ref<const std::string&>();
  };
  // Required string attributes.
  for (auto [name, target] :
       std::array<std::pair<const char*, std::string*>, 3>{{{"id", &e.id}, {"source", &e.source}, {"type", &e.type}}}) {
    auto it = doc.find(name);
    if (it == doc.end()) return fail(attribute_error(name, "is required"));
    if (!it->is_string()) return fail(attribute_error(name, "must be a string"));
    if (it->template get_ref<const std::string&>().empty()) return fail(attribute_error(name, "must not be empty"));
    *target = string_of(*it);
  }

  // Optional string attributes: absent is empty; present must be a non-empty string.
  e.datacontenttype.clear();
  for (auto [name, target] : optional_string_attributes(e)) {
    auto it = doc.find(name);
    if (it == doc.end()) continue;
    if (!it->is_string()) return fail(attribute_error(name, "must be a string"));
    if (it->template get_ref<const std::string&>().empty())
      return fail(attribute_error(name, "must not be empty when present"));
    *target = string_of(*it);
  }
  if (auto st = check_formats(e); !st) return fail(st.error());

  auto time = doc.find("time");
  if (time == doc.end()) return fail(attribute_error("time", "is required"));
  if (!time->is_string()) return fail(attribute_error("time", "must be an RFC 3339 string"));
  auto t = parse_rfc3339(time->template get_ref<const std::string&>());
  if (!t) return fail(attribute_error("time", "must be an RFC 3339 time with an offset: " + t.error().detail));
  e.time = *t;

  auto seq = doc.find("sequence");
  if (seq == doc.end()) return fail(attribute_error("sequence", "is required"));
  if (seq->is_number_unsigned()) {
    auto v = seq->template get<unsigned long long>();
    if (v > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
      return fail(attribute_error("sequence", "is too large"));
    e.sequence = static_cast<long long>(v);
  } else if (seq->is_number_integer()) {
    e.sequence = seq->template get<long long>();
    if (e.sequence < 0) return fail(attribute_error("sequence", "must not be negative"));
  } else {
    return fail(attribute_error("sequence", "must be a non-negative integer"));
  }

  if (doc.contains("data_base64"))
    return fail(attribute_error("data_base64", "is not accepted: data must be a JSON object"));
  auto data = doc.find("data");
  if (data == doc.end()) return fail(attribute_error("data", "is required"));
  if (!data->is_object()) return fail(attribute_error("data", "must be a JSON object"));
  if constexpr (take)
    e.data = std::move(*data);
  else
    e.data = *data;
  return e;
}

// Where the JSON object or array starting at s[i] ends (one past it), or npos. Only brackets
// and strings are followed; the JSON parser checks the rest.
size_t end_of_value(std::string_view s, size_t i) {
  size_t depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      // The closing quote is the first one not escaped, i.e. after an even run of backslashes.
      for (;;) {
        auto q = s.find('"', i + 1);
        if (q == std::string_view::npos) return q;
        size_t slashes = 0;
        while (s[q - 1 - slashes] == '\\') ++slashes;
        i = q;
        if (slashes % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// The fast path for what serialize() writes: known attributes only, each once, as ASCII strings
// without escapes, `sequence` as plain digits. It reads the envelope by hand and hands only
// `data` to the JSON parser, which is what makes replay fast. Anything else — including every
// error — returns nullopt and takes the general path, which also words the error.
std::optional<Event> parse_simple(std::string_view s) {
  static constexpr std::array<std::string_view, 16> kNames = {
      "specversion",     "id",         "source",         "type",          "subject",     "time",
      "datacontenttype", "dataschema", "actor",          "correlationid", "causationid", "traceparent",
      "sequence",        "data",       "idempotencykey", "requestdigest"};
  Event e;
  e.datacontenttype.clear();
  std::array<std::string*, 16> targets = {
      nullptr,           &e.id,           &e.source,        &e.type,        &e.subject,     nullptr, &e.datacontenttype,
      &e.dataschema,     &e.actor,        &e.correlationid, &e.causationid, &e.traceparent, nullptr, nullptr,
      &e.idempotencykey, &e.requestdigest};
  size_t i = 0;
  auto space = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  };
  auto at = [&](char c) { return i < s.size() && s[i] == c; };
  auto plain_string = [&](std::string_view& out) {
    if (!at('"')) return false;
    size_t start = ++i;
    for (; i < s.size() && s[i] != '"'; ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
    }
    if (i >= s.size()) return false;
    out = s.substr(start, i++ - start);
    return true;
  };
  unsigned seen = 0;
  std::string_view time_text;
  space();
  if (!at('{')) return std::nullopt;
  ++i;
  for (;;) {
    space();
    std::string_view name;
    if (!plain_string(name)) return std::nullopt;
    space();
    if (!at(':')) return std::nullopt;
    ++i;
    space();
    auto k = static_cast<size_t>(std::find(kNames.begin(), kNames.end(), name) - kNames.begin());
    if (k == kNames.size() || (seen & (1u << k))) return std::nullopt;
    seen |= 1u << k;
    if (name == "data") {
      if (!at('{')) return std::nullopt;
      size_t used = 0;
      if (auto data = detail::read_json_subset(s.substr(i), used)) {
        e.data = std::move(*data);
        i += used;
      } else {
        size_t end = end_of_value(s, i);
        if (end == std::string_view::npos) return std::nullopt;
        e.data = json::parse(s.data() + i, s.data() + end, nullptr, false);
        if (e.data.is_discarded()) return std::nullopt;
        i = end;
      }
    } else if (name == "sequence") {
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      size_t digits = i - start;
      if (digits == 0 || digits > 18 || (digits > 1 && s[start] == '0')) return std::nullopt;
      std::from_chars(s.data() + start, s.data() + i, e.sequence);
    } else {
      std::string_view value;
      if (!plain_string(value) || value.empty()) return std::nullopt;
      if (name == "specversion") {
        if (value != "1.0") return std::nullopt;
      } else if (name == "time") {
        time_text = value;
      } else {
        targets[k]->assign(value);
      }
    }
    space();
    if (at(',')) {
      ++i;
      continue;
    }
    if (!at('}')) return std::nullopt;
    ++i;
    break;
  }
  space();
  constexpr unsigned kRequired = 1u << 0 | 1u << 1 | 1u << 2 | 1u << 3 | 1u << 5 | 1u << 12 | 1u << 13;
  if (i != s.size() || (seen & kRequired) != kRequired) return std::nullopt;
  auto t = parse_rfc3339(time_text);
  if (!t) return std::nullopt;
  e.time = *t;
  if (!check_formats(e)) return std::nullopt;
  return e;
}

}  // namespace

json to_json(const Event& e) {
  json j = json::object();
  j["specversion"] = "1.0";
  j["id"] = e.id;
  j["source"] = e.source;
  j["type"] = e.type;
  if (!e.subject.empty()) j["subject"] = e.subject;
  j["time"] = format_rfc3339_utc(e.time);
  if (!e.datacontenttype.empty()) j["datacontenttype"] = e.datacontenttype;
  if (!e.dataschema.empty()) j["dataschema"] = e.dataschema;
  j["sequence"] = e.sequence;
  if (!e.actor.empty()) j["actor"] = e.actor;
  if (!e.correlationid.empty()) j["correlationid"] = e.correlationid;
  if (!e.causationid.empty()) j["causationid"] = e.causationid;
  if (!e.traceparent.empty()) j["traceparent"] = e.traceparent;
  if (!e.idempotencykey.empty()) j["idempotencykey"] = e.idempotencykey;
  if (!e.requestdigest.empty()) j["requestdigest"] = e.requestdigest;
  j["data"] = e.data;
  return j;
}

// What to_json(e).dump() writes, byte for byte (keys in nlohmann's sorted order), without
// copying `data` into a second document first: every appended event goes through here.
std::string serialize(const Event& e) {
  std::string out;
  out.reserve(512);
  char sep = '{';
  auto key = [&](std::string_view name) {
    out += sep;
    sep = ',';
    out += '"';
    out += name;
    out += "\":";
  };
  auto text = [&](std::string_view name, const std::string& value, bool always = false) {
    if (value.empty() && !always) return;
    key(name);
    log::append_json_string(out, value);
  };
  text("actor", e.actor);
  text("causationid", e.causationid);
  text("correlationid", e.correlationid);
  key("data");
  out += e.data.dump(-1, ' ', false, json::error_handler_t::replace);
  text("datacontenttype", e.datacontenttype);
  text("dataschema", e.dataschema);
  text("id", e.id, true);
  text("idempotencykey", e.idempotencykey);
  text("requestdigest", e.requestdigest);
  key("sequence");
  out += std::to_string(e.sequence);
  text("source", e.source, true);
  key("specversion");
  out += "\"1.0\"";
  text("subject", e.subject);
  key("time");
  log::append_json_string(out, format_rfc3339_utc(e.time));
  text("traceparent", e.traceparent);
  text("type", e.type, true);
  out += '}';
  return out;
}

Result<Event> parse_event(std::string_view text) {
  if (auto simple = parse_simple(text)) return std::move(*simple);
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& err) {
    return fail(
        Error::bad_request("the CloudEvent is not valid JSON: syntax error at byte " + std::to_string(err.byte), ""));
  } catch (const std::exception& err) {
    return fail(Error::bad_request(std::string("the CloudEvent could not be read: ") + err.what(), ""));
  }
  return extract(doc);
}

Result<Event> from_json(const json& doc) {
  return extract(doc);
}

Status validate(const Event& e) {
  if (e.id.empty()) return fail(attribute_error("id", "must not be empty"));
  if (e.source.empty()) return fail(attribute_error("source", "must not be empty"));
  if (e.type.empty()) return fail(attribute_error("type", "must not be empty"));
  for (auto [name, value] : std::array<std::pair<const char*, const std::string*>, 3>{
           {{"id", &e.id}, {"source", &e.source}, {"type", &e.type}}})
    if (!valid_utf8(*value)) return fail(attribute_error(name, "is not UTF-8"));
  for (auto [name, value] : optional_string_attributes(e))
    if (!valid_utf8(*value)) return fail(attribute_error(name, "is not UTF-8"));
  if (e.time < kEarliest || e.time > kLatest)
    return fail(attribute_error("time", "must fall within the years 0000 to 9999"));
  if (e.sequence < 0) return fail(attribute_error("sequence", "must not be negative"));
  if (auto st = check_formats(e); !st) return st;
  return validate_data(e.data);
}

}  // namespace concord::events
