#pragma once
// Message catalogues: one JSON file per language under services/notifications/messages/
// (<lang>.json), so a language is added as a file. Each holds
//   {"language": "ru", "datetime": "{date} {time} ({zone}, UTC{offset})",
//    "no_reason": "...", "hours": {"one": "{n} час", "few": "{n} часа", "many": "{n} часов"},
//    "minutes": ..., "messages": {"meeting.scheduled": {"title": "...", "body": "..."}, ...}}
// Templates name their values in braces. A text that counts is an object of CLDR plural
// categories (one, few, many, other). Every catalogue holds every text and message of the
// English one, so a member reads one language, never a mix: an incomplete catalogue is refused.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/core/time.hpp"

namespace concord::notifications {

struct Message {
  std::string title;
  std::string body;
};

using Values = std::map<std::string, std::string>;

// Replaces every {name} whose name is in `values`; anything else is left as written.
std::string fill(std::string_view text, const Values& values);

// The CLDR plural category ("one", "few", "many", "other") of a whole number in a language:
// Russian, Belarusian and Ukrainian tell one/few/many; English and Kyrgyz one/other.
std::string plural_category(const std::string& language, long long n);

class Catalogues {
 public:
  // `files`: language → the file's text. English is required (it is the reference every
  // catalogue must match); `fallback` (which must have a catalogue) is the language of those who
  // read none of the others. An Error names the language and what is wrong.
  static Result<Catalogues> load(const std::map<std::string, std::string>& files, const std::string& fallback = "en");

  bool has(const std::string& language) const { return languages_.contains(language); }
  std::vector<std::string> languages() const;
  // The language to write in for someone who asked for `wanted` (in order of preference):
  // the first one with a catalogue, trying a tag's primary subtag too ("ru-RU" → "ru"); else the
  // fallback.
  std::string choose(const std::vector<std::string>& wanted) const;
  const std::string& fallback() const { return fallback_; }

  // The rendered message `key` in `language` (a language without a catalogue reads the fallback).
  Message render(const std::string& language, const std::string& key, const Values& values) const;
  // A time in a zone, with the zone named: "2025-09-28 10:00 (Europe/Minsk, UTC+03:00)".
  std::string datetime(const std::string& language, Timestamp t, const std::string& zone) const;
  // "24 hours", "1 hour", "30 minutes" in the language, in the plural form its number takes.
  std::string lead(const std::string& language, std::chrono::minutes lead) const;
  std::string text(const std::string& language, const std::string& key) const;  // a top-level string
  // A counted text (an object of plural forms) for `n`, with {n} filled.
  std::string counted(const std::string& language, const std::string& key, long long n) const;

 private:
  struct Language {
    std::map<std::string, std::string> texts;                           // top-level strings
    std::map<std::string, std::map<std::string, std::string>> plurals;  // text → category → form
    std::map<std::string, Message> messages;
  };
  const Language& of(const std::string& language) const;
  std::map<std::string, Language> languages_;
  std::string fallback_ = "en";
};

}  // namespace concord::notifications
