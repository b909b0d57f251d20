#include "catalogue.hpp"

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace concord::notifications {

std::string fill(std::string_view text, const Values& values) {
  std::string out;
  out.reserve(text.size() + 64);
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      size_t close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        auto it = values.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

Result<Catalogues> Catalogues::load(const std::map<std::string, std::string>& files) {
  Catalogues c;
  for (const auto& [lang, text] : files) {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      return fail(Error::internal("message catalogue '" + lang + "' is not a JSON object"));
    Language l;
    for (const auto& [key, value] : doc.items()) {
      if (value.is_string()) l.texts[key] = value.get<std::string>();
    }
    if (!doc.contains("messages") || !doc["messages"].is_object())
      return fail(Error::internal("message catalogue '" + lang + "' has no \"messages\" object"));
    for (const auto& [key, value] : doc["messages"].items()) {
      if (!value.is_object() || !value.contains("title") || !value["title"].is_string() || !value.contains("body") ||
          !value["body"].is_string())
        return fail(Error::internal("message catalogue '" + lang + "': \"" + key + "\" needs a title and a body"));
      l.messages[key] = Message{value["title"].get<std::string>(), value["body"].get<std::string>()};
    }
    c.languages_[lang] = std::move(l);
  }
  if (!c.languages_.contains("en")) return fail(Error::internal("the English message catalogue (en) is missing"));
  return c;
}

std::vector<std::string> Catalogues::languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, _] : languages_) out.push_back(lang);
  return out;
}

std::string Catalogues::choose(const std::vector<std::string>& wanted) const {
  for (const auto& w : wanted) {
    if (w.empty()) continue;
    if (languages_.contains(w)) return w;
    auto primary = w.substr(0, w.find('-'));
    if (languages_.contains(primary)) return primary;
  }
  return "en";
}

const Catalogues::Language& Catalogues::of(const std::string& language) const {
  auto it = languages_.find(language);
  return it != languages_.end() ? it->second : languages_.at("en");
}

std::string Catalogues::text(const std::string& language, const std::string& key) const {
  const auto& l = of(language);
  if (auto it = l.texts.find(key); it != l.texts.end()) return it->second;
  const auto& en = languages_.at("en");
  if (auto it = en.texts.find(key); it != en.texts.end()) return it->second;
  return {};
}

Message Catalogues::render(const std::string& language, const std::string& key, const Values& values) const {
  const auto& l = of(language);
  auto it = l.messages.find(key);
  if (it == l.messages.end()) {
    const auto& en = languages_.at("en");
    it = en.messages.find(key);
    if (it == en.messages.end()) return Message{key, {}};
  }
  return Message{fill(it->second.title, values), fill(it->second.body, values)};
}

std::string Catalogues::datetime(const std::string& language, Timestamp t, const std::string& zone) const {
  std::string z = zone.empty() || !is_known_time_zone(zone) ? "UTC" : zone;
  auto local = to_local(t, z);
  if (!local) return format_rfc3339_utc(t);
  int off = local->offset_minutes;
  char offset[16];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
  std::string pattern = text(language, "datetime");
  if (pattern.empty()) pattern = "{date} {time} ({zone}, UTC{offset})";
  return fill(pattern, {{"date", local->date}, {"time", local->clock}, {"zone", z}, {"offset", offset},
                        {"abbreviation", local->abbreviation}});
}

std::string Catalogues::lead(const std::string& language, std::chrono::minutes lead) const {
  if (lead.count() % 60 == 0) return fill(text(language, "hours"), {{"n", std::to_string(lead.count() / 60)}});
  return fill(text(language, "minutes"), {{"n", std::to_string(lead.count())}});
}

}  // namespace concord::notifications
