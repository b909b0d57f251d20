#pragma once
// Defensive reads of event data: a malformed or foreign event is ignored field by field, never
// thrown on (replay must survive whatever is in the log). A field that is absent or of another
// type reads as empty (or the fallback). The services' readers of each other's snapshots
// (contract/) and their own evolve use these.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/time.hpp"

namespace concord::json_read {

inline std::string str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline long long num(const nlohmann::json& j, const char* key, long long fallback = 0) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<long long>() : fallback;
}

inline const nlohmann::json& obj(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!j.is_object()) return empty;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

inline std::optional<Timestamp> time(const nlohmann::json& j, const char* key) {
  auto text = str(j, key);
  if (text.empty()) return std::nullopt;
  auto t = parse_rfc3339(text);
  return t ? std::optional<Timestamp>(*t) : std::nullopt;
}

inline std::optional<Days> date(const nlohmann::json& j, const char* key) {
  auto text = str(j, key);
  if (text.empty()) return std::nullopt;
  auto d = parse_date(text);
  return d ? std::optional<Days>(*d) : std::nullopt;
}

// A string that may be null or absent: nullopt then.
inline std::optional<std::string> opt_str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

inline std::optional<long long> opt_num(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<long long>();
}

inline bool boolean(const nlohmann::json& j, const char* key, bool fallback = false) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// A localized text {"en": "...", "ru": "..."}; entries that are not strings are left out.
inline std::map<std::string, std::string> localized(const nlohmann::json& j, const char* key) {
  std::map<std::string, std::string> out;
  for (const auto& [language, text] : obj(j, key).items())
    if (text.is_string()) out[language] = text.get<std::string>();
  return out;
}

inline std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace concord::json_read
