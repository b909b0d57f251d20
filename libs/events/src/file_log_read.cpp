// The file log: replay, and finding an offset in a topic file.
#include "file_log_core.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace concord::events::detail {

Status Core::replay(std::string_view topic, long long from, const std::function<Status(const Record&)>& visit) {
  View v;
  {
    std::lock_guard lk(mu_);
    if (closed_) return fail(unavailable("the event log is closed"));
    auto it = topics_.find(topic);
    if (it == topics_.end()) return {};
    v = view_locked(it->first);
  }
  if (from >= v.count) return {};
  // From the record holding `from` (found through the sparse index); the events before `from`
  // in that record are skipped unparsed.
  std::uint64_t start = kFileMagic.size();
  long long offset = 0;
  if (from > 0) {
    auto located = locate(v, from);
    if (!located) return fail(located.error());
    std::tie(start, offset) = *located;
  }
  // One thread: decoding on several was measured slower per event (the allocator pays for
  // memory freed on another thread than the one that took it) and no faster on two cores.
  RecordReader reader(v.topic->fd.get(), v.topic->path, start, v.end);
  Record record;
  record.topic = v.topic->name;
  for (;;) {
    RecordView view;
    auto more = reader.next_committed(view);
    if (!more) return fail(more.error());
    if (!*more) return {};
    for (const auto& ev : events_of(view.body, view.meta)) {
      if (offset < from) {
        ++offset;
        continue;
      }
      auto event = parse_event(ev.json);
      if (!event)
        return fail(Error::internal("event " + std::to_string(offset) + " of topic " + v.topic->name +
                                    " does not parse: " + event.error().detail));
      record.offset = offset++;
      record.key.assign(ev.key);
      record.event = std::move(*event);
      if (auto st = visit(record); !st) return st;
    }
  }
}

Result<std::pair<std::uint64_t, long long>> Core::locate(const View& v, long long offset) {
  IndexEntry from{kFileMagic.size(), 0};
  {
    std::lock_guard lk(mu_);
    const auto& index = v.topic->index;
    auto it = std::upper_bound(index.begin(), index.end(), offset,
                               [](long long o, const IndexEntry& e) { return o < e.first; });
    if (it != index.begin()) from = *std::prev(it);
  }
  RecordReader reader(v.topic->fd.get(), v.topic->path, from.pos, v.end, 64 * 1024);
  std::uint64_t pos = from.pos;
  long long first = from.first;
  for (;;) {
    RecordView view;
    auto more = reader.next_committed(view);
    if (!more) return fail(more.error());
    if (!*more) return std::pair{pos, first};
    if (offset < first + view.meta.count) return std::pair{pos, first};
    pos += view.size;
    first += view.meta.count;
  }
}

}  // namespace concord::events::detail
