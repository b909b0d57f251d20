#pragma once
// Message catalogues: one JSON file per language under services/notifications/messages/
// (<lang>.json), so a language is added as a file. Each holds
//   {"language": "ru", "datetime": "{date} {time} ({zone}, UTC{offset})",
//    "no_reason": "...", "hours": "{n} h", "minutes": "{n} min",
//    "messages": {"meeting.scheduled": {"title": "...", "body": "..."}, ...}}
// Templates name their values in braces; a missing message falls back to English.
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

class Catalogues {
 public:
  // `files`: language → the file's text. English is required (it is the fallback). An Error
  // names the language and what is wrong.
  static Result<Catalogues> load(const std::map<std::string, std::string>& files);

  bool has(const std::string& language) const { return languages_.contains(language); }
  std::vector<std::string> languages() const;
  // The language to write in for someone who asked for `wanted` (in order of preference):
  // the first one with a catalogue, trying a tag's primary subtag too ("ru-RU" → "ru"); else "en".
  std::string choose(const std::vector<std::string>& wanted) const;

  // The rendered message `key` in `language` (falling back to English per message).
  Message render(const std::string& language, const std::string& key, const Values& values) const;
  // A time in a zone, with the zone named: "2025-09-28 10:00 (Europe/Minsk, UTC+03:00)".
  std::string datetime(const std::string& language, Timestamp t, const std::string& zone) const;
  // "24 h", "1 h", "30 min" in the language.
  std::string lead(const std::string& language, std::chrono::minutes lead) const;
  std::string text(const std::string& language, const std::string& key) const;  // a top-level string

 private:
  struct Language {
    std::map<std::string, std::string> texts;  // top-level strings
    std::map<std::string, Message> messages;
  };
  const Language& of(const std::string& language) const;
  std::map<std::string, Language> languages_;
};

}  // namespace concord::notifications
