#pragma once
// A line diff between two texts (Myers' O((N+M)D) algorithm after trimming the common prefix
// and suffix). Work is bounded: past the budget the middle is reported as one replacement,
// which is still a correct (if not minimal) diff, and `exact` says so.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace concord::documents {

struct DiffLine {
  char op;  // ' ' unchanged, '-' only in the old text, '+' only in the new one
  std::string_view text;
  long long old_line;  // 1-based, 0 when not in the old text
  long long new_line;  // 1-based, 0 when not in the new one
};

struct LineDiff {
  std::vector<DiffLine> lines;  // the whole edit script, in order
  long long added = 0;
  long long removed = 0;
  long long unchanged = 0;
  bool exact = true;
};

std::vector<std::string_view> split_lines(std::string_view text);
LineDiff diff_lines(std::string_view old_text, std::string_view new_text, long long max_work = 20'000'000);
// Hunks with `context` unchanged lines around each change, and the same as unified-diff text.
nlohmann::json diff_json(const LineDiff& diff, size_t context = 3);

}  // namespace concord::documents
