#pragma once
// RFC 5545 content lines, the one writer of them: scheduling's programme calendar and the
// invitations notifications e-mails (RFC 5546 iTIP) both write through it, so escaping, folding
// and times are the same everywhere a meeting's UID and SEQUENCE appear.
#include <string>
#include <string_view>

#include "concord/core/time.hpp"

namespace concord::ics {

// TEXT escaping: backslash, semicolon, comma, and line breaks as \n; other control characters
// (which TEXT may not hold) are dropped.
std::string escape(std::string_view text);
// One content line → folded at 75 octets (never inside a UTF-8 sequence), with its CRLF.
std::string fold(std::string_view line);
// A UTC DATE-TIME, whole seconds: 20250928T070000Z.
std::string utc(Timestamp t);

// Accumulates folded content lines: w.line("SUMMARY", ics::escape(title)).
class Writer {
 public:
  void line(std::string_view name, std::string_view value);
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace concord::ics
