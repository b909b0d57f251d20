#include "concord/core/json_input.hpp"

#include <algorithm>

#include "concord/core/id.hpp"

namespace concord::json_input {

Result<nlohmann::json> parse(std::string_view body, size_t max_depth) {
  if (body.empty()) return fail(Error::bad_request("the request body is empty; a JSON document is expected"));
  size_t depth = 0;
  bool too_deep = false;
  auto guard = [&](int, nlohmann::json::parse_event_t event, nlohmann::json&) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      if (++depth > max_depth) too_deep = true;
    } else if (event == E::object_end || event == E::array_end) {
      --depth;
    }
    return !too_deep;
  };
  try {
    auto doc = nlohmann::json::parse(body.begin(), body.end(), guard);
    if (too_deep) return fail(Error::bad_request("the JSON document nests deeper than " + std::to_string(max_depth)));
    return doc;
  } catch (const nlohmann::json::parse_error& e) {
    if (too_deep) return fail(Error::bad_request("the JSON document nests deeper than " + std::to_string(max_depth)));
    return fail(Error::bad_request("the body is not valid JSON: syntax error at byte " + std::to_string(e.byte)));
  } catch (const nlohmann::json::exception&) {
    // A number beyond a double's range (1e999) is out_of_range, not parse_error: found by
    // fuzz_api_request, once a 500 on every route that reads a body.
    return fail(Error::bad_request("the body is not valid JSON: a number is out of range"));
  }
}

Result<nlohmann::json> parse_object(std::string_view body) {
  auto doc = parse(body);
  if (!doc) return doc;
  if (!doc->is_object()) return fail(Error::validation("", "the body must be a JSON object"));
  return doc;
}

std::string pointer_token(std::string_view field) {
  std::string out;
  for (char c : field) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

bool is_bcp47(std::string_view tag) {
  // language (2-3 letters) then subtags of 2-8 alphanumerics; enough for the tags Concord meets.
  if (tag.empty() || tag.size() > 35) return false;
  size_t i = 0, part = 0;
  while (i <= tag.size()) {
    size_t end = tag.find('-', i);
    if (end == std::string_view::npos) end = tag.size();
    auto sub = tag.substr(i, end - i);
    if (part == 0) {
      if (sub.size() < 2 || sub.size() > 3 ||
          !std::all_of(sub.begin(), sub.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
        return false;
    } else if (sub.empty() || sub.size() > 8 || !std::all_of(sub.begin(), sub.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c));
               })) {
      return false;
    }
    ++part;
    i = end + 1;
  }
  return true;
}

Reader::Reader(const nlohmann::json& object, std::string pointer)
    : Reader(object, std::move(pointer), std::make_shared<std::vector<FieldError>>()) {}

Reader::Reader(const nlohmann::json& object, std::string pointer, std::shared_ptr<std::vector<FieldError>> errors)
    : object_(&object), pointer_(std::move(pointer)), errors_(std::move(errors)) {}

std::string Reader::pointer(std::string_view field) const {
  return field.empty() ? pointer_ : pointer_ + "/" + pointer_token(field);
}

void Reader::add_error(std::string_view field, std::string message) {
  errors_->push_back({pointer(field), std::move(message)});
}

bool Reader::has(std::string_view field) const {
  return object_->is_object() && object_->contains(field) && !(*object_)[std::string(field)].is_null();
}

const nlohmann::json* Reader::field_value(std::string_view field, Need need, std::string_view type_name) {
  if (!object_->is_object()) return nullptr;
  auto it = object_->find(field);
  if (it == object_->end() || it->is_null()) {
    if (need == Need::required) add_error(field, "is required");
    return nullptr;
  }
  (void)type_name;
  return &*it;
}

std::optional<std::string> Reader::string(std::string_view field, Need need, size_t max_len) {
  const auto* v = field_value(field, need, "string");
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    add_error(field, "must be a string");
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty() && need == Need::required) {
    add_error(field, "must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    add_error(field, "must be at most " + std::to_string(max_len) + " bytes long");
    return std::nullopt;
  }
  return s;
}

std::optional<long long> Reader::integer(std::string_view field, long long min, long long max, Need need) {
  const auto* v = field_value(field, need, "integer");
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    add_error(field, "must be an integer");
    return std::nullopt;
  }
  long long n = v->is_number_unsigned() && v->get<unsigned long long>() > static_cast<unsigned long long>(max)
                    ? max + 1
                    : v->get<long long>();
  if (n < min || n > max) {
    add_error(field, "must be from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> Reader::boolean(std::string_view field, Need need) {
  const auto* v = field_value(field, need, "boolean");
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    add_error(field, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> Reader::one_of(std::string_view field, const std::vector<std::string_view>& allowed,
                                          Need need) {
  auto s = string(field, need, 100);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  add_error(field, "must be one of: " + list);
  return std::nullopt;
}

std::optional<std::string> Reader::uuid(std::string_view field, Need need) {
  auto s = string(field, need, 36);
  if (!s) return std::nullopt;
  if (!is_uuid(*s)) {
    add_error(field, "must be a UUID");
    return std::nullopt;
  }
  return s;
}

std::optional<std::vector<std::string>> Reader::string_list(std::string_view field, Need need, size_t max_items,
                                                            size_t max_len) {
  const auto* v = field_value(field, need, "array");
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    add_error(field, "must be an array of strings");
    return std::nullopt;
  }
  if (v->size() > max_items) {
    add_error(field, "must hold at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool good = true;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    std::string where = std::string(field) + "/" + std::to_string(i);
    if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
        item.get_ref<const std::string&>().size() > max_len) {
      errors_->push_back({pointer(field) + "/" + std::to_string(i),
                          "must be a non-empty string of at most " + std::to_string(max_len) + " bytes"});
      good = false;
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> Reader::uuid_list(std::string_view field, Need need, size_t max_items) {
  auto list = string_list(field, need, max_items, 36);
  if (!list) return std::nullopt;
  bool good = true;
  for (size_t i = 0; i < list->size(); ++i) {
    if (!is_uuid((*list)[i])) {
      errors_->push_back({pointer(field) + "/" + std::to_string(i), "must be a UUID"});
      good = false;
    }
  }
  if (!good) return std::nullopt;
  return list;
}

std::optional<Timestamp> Reader::time(std::string_view field, Need need) {
  auto s = string(field, need, 64);
  if (!s) return std::nullopt;
  auto t = parse_rfc3339(*s);
  if (!t) {
    add_error(field, t.error().errors.empty() ? t.error().detail : t.error().errors.front().message);
    return std::nullopt;
  }
  return *t;
}

std::optional<Days> Reader::date(std::string_view field, Need need) {
  auto s = string(field, need, 32);
  if (!s) return std::nullopt;
  auto d = parse_date(*s);
  if (!d) {
    add_error(field, d.error().errors.front().message);
    return std::nullopt;
  }
  return *d;
}

std::optional<std::string> Reader::time_zone(std::string_view field, Need need) {
  auto s = string(field, need, 64);
  if (!s) return std::nullopt;
  if (!is_known_time_zone(*s)) {
    add_error(field, "'" + *s + "' is not an IANA time zone (e.g. Europe/Minsk)");
    return std::nullopt;
  }
  return s;
}

std::optional<std::map<std::string, std::string>> Reader::localized(std::string_view field, Need need, size_t max_len) {
  const auto* v = field_value(field, need, "object");
  if (!v) return std::nullopt;
  if (!v->is_object() || v->empty()) {
    add_error(field, "must be an object of texts by language, e.g. {\"en\": \"...\", \"ru\": \"...\"}");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  bool good = true;
  for (const auto& [lang, text] : v->items()) {
    std::string where = pointer(field) + "/" + pointer_token(lang);
    if (!is_bcp47(lang)) {
      errors_->push_back({where, "'" + lang + "' is not a BCP 47 language tag"});
      good = false;
    } else if (!text.is_string() || text.get_ref<const std::string&>().empty() ||
               text.get_ref<const std::string&>().size() > max_len) {
      errors_->push_back({where, "must be a non-empty string of at most " + std::to_string(max_len) + " bytes"});
      good = false;
    } else {
      out[lang] = text.get<std::string>();
    }
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<Reader> Reader::object(std::string_view field, Need need) {
  const auto* v = field_value(field, need, "object");
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    add_error(field, "must be an object");
    return std::nullopt;
  }
  return Reader(*v, pointer(field), errors_);
}

const nlohmann::json* Reader::array(std::string_view field, Need need) {
  const auto* v = field_value(field, need, "array");
  if (!v) return nullptr;
  if (!v->is_array()) {
    add_error(field, "must be an array");
    return nullptr;
  }
  return v;
}

void Reader::refuse_unknown(const std::vector<std::string_view>& known) {
  if (!object_->is_object()) return;
  for (const auto& [key, value] : object_->items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) add_error(key, "is not a known field");
  }
}

Status Reader::finish() const {
  if (errors_->empty()) return {};
  // A body of a mebibyte can hold ~100,000 unknown members: the answer lists the first ones and
  // counts the rest, so it never grows past the request that caused it.
  constexpr size_t kMaxListed = 100;
  if (errors_->size() <= kMaxListed) return fail(Error::validation(*errors_));
  Error e = Error::validation(std::vector<FieldError>(errors_->begin(), errors_->begin() + kMaxListed));
  e.detail =
      std::to_string(errors_->size()) + " fields are invalid; the first " + std::to_string(kMaxListed) + " are listed";
  return fail(std::move(e));
}

}  // namespace concord::json_input
