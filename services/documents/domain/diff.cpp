#include "documents/domain/diff.hpp"

#include <algorithm>

namespace concord::documents {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

namespace {

using Lines = std::vector<std::string_view>;
constexpr long long kMaxEdits = 4000;

// Myers' greedy forward algorithm over a[a0..a1) and b[b0..b1), appending the edit script.
// Returns false (appending nothing) when the work budget runs out.
bool myers(const Lines& a, size_t a0, size_t a1, const Lines& b, size_t b0, size_t b1, long long& work,
           long long max_work, std::vector<DiffLine>& out) {
  const long long n = static_cast<long long>(a1 - a0), m = static_cast<long long>(b1 - b0);
  const long long max_d = n + m;
  const long long offset = max_d + 1;
  std::vector<long long> v(static_cast<size_t>(2 * max_d + 3), 0);
  std::vector<std::vector<long long>> trace;  // V over k in [-d, d] before step d
  long long found_d = -1;
  for (long long d = 0; d <= max_d; ++d) {
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    for (long long k = -d; k <= d; k += 2) {
      long long x =
          (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      long long y = x - k;
      while (x < n && y < m && a[a0 + x] == b[b0 + y]) {
        ++x;
        ++y;
        ++work;
      }
      ++work;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    if (found_d >= 0) break;
    // The trace grows with D squared: bound both the edits and the work.
    if (work > max_work || d >= kMaxEdits) return false;
  }
  // Walk back through the trace.
  std::vector<DiffLine> rev;
  long long x = n, y = m;
  for (long long d = found_d; d > 0; --d) {
    const auto& vd = trace[static_cast<size_t>(d)];  // V before step d: k in [-d, d] at index k + d
    auto at = [&](long long k) { return vd[static_cast<size_t>(k + d)]; };
    long long k = x - y;
    long long prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
    long long prev_x = at(prev_k), prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      --x;
      --y;
      rev.push_back({' ', a[a0 + x], 0, 0});
      rev.back().old_line = static_cast<long long>(a0 + x) + 1;
      rev.back().new_line = static_cast<long long>(b0 + y) + 1;
    }
    if (x == prev_x) {
      --y;
      rev.push_back({'+', b[b0 + y], 0, static_cast<long long>(b0 + y) + 1});
    } else {
      --x;
      rev.push_back({'-', a[a0 + x], static_cast<long long>(a0 + x) + 1, 0});
    }
  }
  while (x > 0 && y > 0) {
    --x;
    --y;
    rev.push_back({' ', a[a0 + x], static_cast<long long>(a0 + x) + 1, static_cast<long long>(b0 + y) + 1});
  }
  out.insert(out.end(), rev.rbegin(), rev.rend());
  return true;
}

}  // namespace

LineDiff diff_lines(std::string_view old_text, std::string_view new_text, long long max_work) {
  Lines a = split_lines(old_text), b = split_lines(new_text);
  LineDiff diff;
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;
  for (size_t i = 0; i < prefix; ++i)
    diff.lines.push_back({' ', a[i], static_cast<long long>(i) + 1, static_cast<long long>(i) + 1});
  size_t a1 = a.size() - suffix, b1 = b.size() - suffix;
  long long work = 0;
  if (!myers(a, prefix, a1, b, prefix, b1, work, max_work, diff.lines)) {
    diff.exact = false;
    for (size_t i = prefix; i < a1; ++i) diff.lines.push_back({'-', a[i], static_cast<long long>(i) + 1, 0});
    for (size_t j = prefix; j < b1; ++j) diff.lines.push_back({'+', b[j], 0, static_cast<long long>(j) + 1});
  }
  for (size_t i = 0; i < suffix; ++i)
    diff.lines.push_back({' ', a[a1 + i], static_cast<long long>(a1 + i) + 1, static_cast<long long>(b1 + i) + 1});
  for (const auto& l : diff.lines) {
    if (l.op == '+')
      ++diff.added;
    else if (l.op == '-')
      ++diff.removed;
    else
      ++diff.unchanged;
  }
  return diff;
}

nlohmann::json diff_json(const LineDiff& diff, size_t context) {
  nlohmann::json hunks = nlohmann::json::array();
  std::string unified;
  const auto& L = diff.lines;
  size_t i = 0;
  while (i < L.size()) {
    // The next change.
    while (i < L.size() && L[i].op == ' ') ++i;
    if (i >= L.size()) break;
    size_t begin = i >= context ? i - context : 0;
    // Extend while the gap of unchanged lines to the next change is at most 2 * context.
    size_t end = i;
    while (end < L.size()) {
      if (L[end].op != ' ') {
        ++end;
        continue;
      }
      size_t run = end;
      while (run < L.size() && L[run].op == ' ') ++run;
      if (run >= L.size() || run - end > 2 * context) {
        end = std::min(L.size(), end + context);
        break;
      }
      end = run;
    }
    long long old_start = 0, new_start = 0, old_count = 0, new_count = 0;
    nlohmann::json lines = nlohmann::json::array();
    std::string body;
    for (size_t k = begin; k < end; ++k) {
      const auto& l = L[k];
      if (l.op != '+') {
        if (!old_start) old_start = l.old_line;
        ++old_count;
      }
      if (l.op != '-') {
        if (!new_start) new_start = l.new_line;
        ++new_count;
      }
      lines.push_back({{"op", std::string(1, l.op)}, {"text", std::string(l.text)}});
      body += l.op;
      body.append(l.text);
      body += '\n';
    }
    hunks.push_back({{"old_start", old_start},
                     {"old_lines", old_count},
                     {"new_start", new_start},
                     {"new_lines", new_count},
                     {"lines", std::move(lines)}});
    unified += "@@ -" + std::to_string(old_start) + "," + std::to_string(old_count) + " +" + std::to_string(new_start) +
               "," + std::to_string(new_count) + " @@\n" + body;
    i = end;
  }
  return {{"added", diff.added}, {"removed", diff.removed},   {"unchanged", diff.unchanged},
          {"exact", diff.exact}, {"hunks", std::move(hunks)}, {"unified", std::move(unified)}};
}

}  // namespace concord::documents
