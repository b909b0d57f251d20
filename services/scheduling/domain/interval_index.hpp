#pragma once
// Intervals [start, end) keyed by start in an ordered map, so the intervals overlapping a window
// are found in O(log n + k): a lookup starts at (window start − the longest interval held),
// the earliest start that can still reach into the window, and stops at the window's end.
// Meetings are hours long and venues and people are never double-booked, so the scan between
// those two points holds only the k answers plus at most a few neighbours.
#include <chrono>
#include <map>
#include <set>
#include <string>

#include "concord/core/time.hpp"

namespace concord::scheduling {

class IntervalIndex {
 public:
  struct Entry {
    Timestamp end;
    std::string id;
  };

  void insert(const std::string& id, Timestamp start, Timestamp end) {
    by_start_.emplace(start, Entry{end, id});
    lengths_.insert(end - start);
  }

  void erase(const std::string& id, Timestamp start, Timestamp end) {
    auto [first, last] = by_start_.equal_range(start);
    for (auto it = first; it != last; ++it) {
      if (it->second.id == id && it->second.end == end) {
        by_start_.erase(it);
        if (auto l = lengths_.find(end - start); l != lengths_.end()) lengths_.erase(l);
        return;
      }
    }
  }

  // Calls f(id, start, end) for every interval with start < to and end > from, in start order.
  template <class F>
  void overlapping(Timestamp from, Timestamp to, F&& f) const {
    if (by_start_.empty() || !(from < to)) return;
    auto longest = *lengths_.rbegin();
    for (auto it = by_start_.upper_bound(from - longest); it != by_start_.end() && it->first < to; ++it)
      if (it->second.end > from) f(it->second.id, it->first, it->second.end);
  }

  size_t size() const { return by_start_.size(); }
  bool empty() const { return by_start_.empty(); }

 private:
  std::multimap<Timestamp, Entry> by_start_;
  std::multiset<std::chrono::milliseconds> lengths_;
};

}  // namespace concord::scheduling
