#include "concord/core/ics.hpp"

namespace concord::ics {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') break;
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') break;
        out += c;
    }
  }
  return out;
}

std::string fold(std::string_view line) {
  std::string out;
  size_t limit = 75;  // octets on the first line; continuation lines carry a space plus 74
  while (line.size() > limit) {
    size_t cut = limit;
    // Never split a UTF-8 sequence: back up to the start of a character.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = 74;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string utc(Timestamp t) {
  std::string s = format_rfc3339_utc(std::chrono::floor<std::chrono::seconds>(t));  // YYYY-MM-DDTHH:MM:SSZ
  std::string out;
  for (char c : s)
    if (c != '-' && c != ':') out += c;
  return out;  // YYYYMMDDTHHMMSSZ
}

void Writer::line(std::string_view name, std::string_view value) {
  std::string l(name);
  l += ':';
  l += value;
  out_ += fold(l);
}

}  // namespace concord::ics
