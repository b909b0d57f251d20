#include "notifications/domain/catalogue.hpp"

#include <algorithm>

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

std::string plural_category(const std::string& language, long long n) {
  long long i = n < 0 ? -n : n;
  if (language == "ru" || language == "be" || language == "uk") {
    if (i % 10 == 1 && i % 100 != 11) return "one";
    if (i % 10 >= 2 && i % 10 <= 4 && (i % 100 < 12 || i % 100 > 14)) return "few";
    return "many";
  }
  return i == 1 ? "one" : "other";
}

namespace {

const char* const kPluralCategories[] = {"one", "few", "many", "other"};

// The categories a language's counted texts must have.
std::vector<std::string> categories_of(const std::string& language) {
  std::vector<std::string> out;
  for (long long n : {1, 2, 5, 0})
    if (auto c = plural_category(language, n); std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

}  // namespace

Result<Catalogues> Catalogues::load(const std::map<std::string, std::string>& files, const std::string& fallback) {
  Catalogues c;
  c.fallback_ = fallback;
  for (const auto& [lang, text] : files) {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      return fail(Error::internal("message catalogue '" + lang + "' is not a JSON object"));
    Language l;
    for (const auto& [key, value] : doc.items()) {
      if (value.is_string()) {
        l.texts[key] = value.get<std::string>();
      } else if (key != "messages" && value.is_object()) {
        for (const auto& category : categories_of(lang)) {
          if (!value.contains(category) || !value[category].is_string())
            return fail(Error::internal("message catalogue '" + lang + "': \"" + key + "\" needs its \"" + category +
                                        "\" plural form"));
        }
        for (const char* category : kPluralCategories)
          if (value.contains(category) && value[category].is_string())
            l.plurals[key][category] = value[category].get<std::string>();
      }
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
  auto en = c.languages_.find("en");
  if (en == c.languages_.end()) return fail(Error::internal("the English message catalogue (en) is missing"));
  if (!c.languages_.contains(fallback))
    return fail(Error::internal("the fallback language '" + fallback + "' has no message catalogue"));
  // A member reads one language: a catalogue that lacks what English has would mix in English.
  for (const auto& [lang, l] : c.languages_) {
    for (const auto& [key, _] : en->second.texts)
      if (!l.texts.contains(key))
        return fail(Error::internal("message catalogue '" + lang + "' lacks \"" + key + "\""));
    for (const auto& [key, _] : en->second.plurals)
      if (!l.plurals.contains(key))
        return fail(Error::internal("message catalogue '" + lang + "' lacks \"" + key + "\""));
    for (const auto& [key, _] : en->second.messages)
      if (!l.messages.contains(key))
        return fail(Error::internal("message catalogue '" + lang + "' lacks the message \"" + key + "\""));
  }
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
  return fallback_;
}

const Catalogues::Language& Catalogues::of(const std::string& language) const {
  auto it = languages_.find(language);
  return it != languages_.end() ? it->second : languages_.at(fallback_);
}

std::string Catalogues::text(const std::string& language, const std::string& key) const {
  const auto& l = of(language);
  auto it = l.texts.find(key);
  return it != l.texts.end() ? it->second : std::string{};
}

std::string Catalogues::counted(const std::string& language, const std::string& key, long long n) const {
  const std::string& lang = languages_.contains(language) ? language : fallback_;
  const auto& l = of(lang);
  std::string form;
  if (auto p = l.plurals.find(key); p != l.plurals.end()) {
    auto f = p->second.find(plural_category(lang, n));
    if (f == p->second.end()) f = p->second.find("other");
    if (f != p->second.end()) form = f->second;
  } else {
    form = text(lang, key);
  }
  return fill(form, {{"n", std::to_string(n)}});
}

Message Catalogues::render(const std::string& language, const std::string& key, const Values& values) const {
  const auto& l = of(language);
  auto it = l.messages.find(key);
  if (it == l.messages.end())
    return Message{key, {}};  // every catalogue has English's messages; unknown keys name themselves
  return Message{fill(it->second.title, values), fill(it->second.body, values)};
}

std::string Catalogues::datetime(const std::string& language, Timestamp t, const std::string& zone) const {
  std::string z = zone.empty() || !is_known_time_zone(zone) ? "UTC" : zone;
  auto local = to_local(t, z);
  if (!local) return format_rfc3339_utc(t);
  std::string offset = format_utc_offset(local->offset_minutes);
  std::string pattern = text(language, "datetime");
  if (pattern.empty()) pattern = "{date} {time} ({zone}, UTC{offset})";
  return fill(pattern, {{"date", local->date},
                        {"time", local->clock},
                        {"zone", z},
                        {"offset", offset},
                        {"abbreviation", local->abbreviation}});
}

std::string Catalogues::lead(const std::string& language, std::chrono::minutes lead) const {
  if (lead.count() % 60 == 0) return counted(language, "hours", lead.count() / 60);
  return counted(language, "minutes", lead.count());
}

}  // namespace concord::notifications
