// The file-backed EventLog.
//
// Layout of the data directory
//   LOCK                 flock(LOCK_EX) while open; holds the owner's pid for the error message
//   topics/<topic>.log   one append-only file per topic (format in record_format.hpp)
//   groups/<group>.json  a consumer group's committed positions and last committed transaction,
//                        {"group", "txn", "positions": {topic: next offset}}, always replaced
//                        whole (temporary, fsync, rename, fsync of the directory)
//
// Offsets. A topic has one partition; an event's offset is its ordinal in the topic (0, 1, ...).
// Memory holds, per topic, the end of the published bytes, the number of published events, and a
// sparse index (one entry per 64 KiB) from offsets to record positions.
//
// Appends. An append is one record, so it is all-or-nothing: recovery keeps a record only when
// its length, checksum and framing are all intact. Appenders queue their records; whoever finds
// no write in progress becomes the leader, takes everything queued, writes it with one pwritev
// per topic, fdatasyncs each topic it touched, publishes the records (readers never see bytes
// that are not durable) and wakes the others (group commit: N concurrent appenders, one fsync).
// A write that fails is cut off again (ftruncate + fsync) before anyone else writes; an fsync
// that fails poisons the log (healthy() turns false, every later write fails) because after a
// failed fsync nobody knows what the disk holds. A restart recovers from the files.
//
// commit_with(outputs, consumed) for group G runs as a write round of its own:
//   1. one record per output topic, kind "transaction", tagged (G, n) with n = G's last
//      transaction + 1, written at the end of each topic and fdatasync'd;
//   2. groups/G.json replaced with the new positions and "txn": n — the commit point;
//   3. the records are published and the positions take effect in memory.
// Since the round holds the write turn throughout, nothing is ever written after a transaction
// record that is not yet committed. A crash therefore leaves at most one uncommitted transaction
// record per topic, always the last record in its file, and recovery drops the last record of a
// topic when it is a transaction of G with n greater than G's committed "txn". Before step 2 is
// durable, neither outputs nor positions survive; after it, both do — on every topic the step
// wrote. A failure in 1 or 2 before the rename cuts the records off again; a failure after the
// rename (fsync of the directory) leaves the outcome to recovery and poisons the log. The
// positions file of a group is created (txn 0) when it first subscribes, so a missing file means
// an operator removed it: its tail transaction records are then kept, as committed.
//
// Recovery on open, per topic: read every record, checking it. At the first bad or incomplete
// record, search the rest of the file for any valid record. None: a torn or corrupt tail —
// truncate it and log a warning with the byte count. One: damage in the middle — refuse to open,
// naming the file and both positions, because dropping acknowledged events silently is worse
// than not starting.
#include "concord/events/file_log.hpp"

#include <algorithm>
#include <tuple>

#include "file_log_core.hpp"

namespace concord::events {
namespace {

using namespace detail;

// The public objects

class FileSubscription final : public Subscription {
 public:
  FileSubscription(std::shared_ptr<Core> core, std::vector<std::string> topics, std::string group,
                   const std::map<std::string, long long>& start)
      : core_(std::move(core)), topics_(std::move(topics)), group_(std::move(group)) {
    for (const auto& t : topics_) cursors_[t].next = start.contains(t) ? start.at(t) : 0;
  }
  // An empty group reads without one (a Tail): nothing joined, nothing committed.
  ~FileSubscription() override {
    if (!group_.empty()) core_->leave(group_);
  }

  Result<std::vector<Record>> poll(std::chrono::milliseconds wait, size_t max) override {
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::vector<Record> out;
    out.reserve(std::min<size_t>(max, 1024));
    for (;;) {
      if (max == 0) return out;
      // Start with a different topic each time so a busy one cannot starve the others.
      for (size_t i = 0; i < topics_.size() && out.size() < max; ++i) {
        const auto& name = topics_[(turn_ + i) % topics_.size()];
        if (auto st = read(name, cursors_[name], max, out); !st) return fail(st.error());
      }
      turn_ = (turn_ + 1) % std::max<size_t>(topics_.size(), 1);
      if (!out.empty()) return out;
      std::unique_lock lk(core_->mu_);
      bool ready = core_->data_cv_.wait_until(lk, deadline, [&] { return core_->closed_ || has_news_locked(); });
      if (core_->closed_) return fail(unavailable("the event log is closed"));
      if (!ready) return out;
    }
  }

  Status commit(const std::vector<Record>& consumed) override {
    auto positions = positions_past(consumed);
    if (!positions) return fail(positions.error());
    if (positions->empty()) return {};
    return core_->commit_positions(group_, *positions);
  }

  Status commit_with(const std::vector<Output>& outputs, const std::vector<Record>& consumed) override {
    auto positions = positions_past(consumed);
    Status st = positions ? core_->commit_transaction(group_, outputs, *positions) : fail(positions.error());
    if (!st) rewind();
    return st;
  }

 private:
  struct Cursor {
    long long next = 0;  // offset of the next event to deliver
    bool located = false;
    std::uint64_t pos = 0;  // the record holding `next`
    long long first = 0;    // offset of that record's first event
  };

  bool has_news_locked() {
    for (const auto& name : topics_) {
      auto v = core_->view_locked(name);
      if (v.topic && v.count > cursors_[name].next) return true;
    }
    return false;
  }

  Status read(const std::string& name, Cursor& c, size_t max, std::vector<Record>& out) {
    auto v = core_->view(name);
    if (!v.topic || v.count <= c.next) return {};
    if (!c.located) {
      auto at = core_->locate(v, c.next);
      if (!at) return fail(at.error());
      std::tie(c.pos, c.first) = *at;
      c.located = true;
    }
    RecordReader reader(v.topic->fd.get(), v.topic->path, c.pos, v.end, 64 * 1024);
    while (out.size() < max) {
      RecordView view;
      auto more = reader.next_committed(view);
      if (!more) return fail(more.error());
      if (!*more) return {};
      auto events = events_of(view.body, view.meta);
      for (size_t i = 0; i < events.size(); ++i) {
        long long offset = c.first + static_cast<long long>(i);
        if (offset < c.next) continue;
        if (out.size() >= max) return {};
        auto event = parse_event(events[i].json);
        if (!event)
          return fail(Error::internal("event " + std::to_string(offset) + " of topic " + name +
                                      " does not parse: " + event.error().detail));
        out.push_back(Record{name, 0, offset, std::string(events[i].key), std::move(*event)});
        c.next = offset + 1;
      }
      c.pos += view.size;
      c.first += view.meta.count;
    }
    return {};
  }

  Result<std::map<std::string, long long>> positions_past(const std::vector<Record>& consumed) {
    std::map<std::string, long long> out;
    for (const auto& r : consumed) {
      if (!cursors_.contains(r.topic))
        return fail(rejected("record of topic '" + r.topic + "' is not from this subscription"));
      if (r.partition != 0 || r.offset < 0 || r.offset >= core_->view(r.topic).count)
        return fail(rejected("record " + r.topic + "/" + std::to_string(r.partition) + "@" + std::to_string(r.offset) +
                             " does not exist in the file log"));
      auto& p = out[r.topic];
      p = std::max(p, r.offset + 1);
    }
    return out;
  }

  void rewind() {
    auto committed = core_->committed(group_);
    for (auto& [name, c] : cursors_) c = Cursor{.next = committed.contains(name) ? committed.at(name) : 0};
  }

  std::shared_ptr<Core> core_;
  std::vector<std::string> topics_;
  std::string group_;
  std::map<std::string, Cursor> cursors_;
  size_t turn_ = 0;
};

class FileTail final : public Tail {
 public:
  FileTail(std::shared_ptr<Core> core, std::vector<std::string> topics, const std::map<std::string, long long>& start)
      : reader_(std::move(core), std::move(topics), "", start) {}
  Result<std::vector<Record>> poll(std::chrono::milliseconds wait, size_t max) override {
    return reader_.poll(wait, max);
  }

 private:
  FileSubscription reader_;
};

class FileLog final : public EventLog {
 public:
  explicit FileLog(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  ~FileLog() override { core_->close(); }

  Status ensure_topics(const std::vector<TopicSpec>& topics) override { return core_->ensure_topics(topics); }
  Status append_all(const std::vector<Append>& appends) override { return core_->append_all(appends); }
  Status replay(std::string_view topic, const std::function<Status(const Record&)>& visit) override {
    return core_->replay(topic, 0, visit);
  }
  Status replay_from(std::string_view topic, const std::map<int, long long>& from,
                     const std::function<Status(const Record&)>& visit) override {
    auto it = from.find(0);  // one partition per topic here
    return core_->replay(topic, it == from.end() ? 0 : std::max(0LL, it->second), visit);
  }
  Result<std::unique_ptr<Subscription>> subscribe(const std::vector<std::string>& topics,
                                                  const std::string& group) override {
    if (group.empty()) return fail(rejected("a consumer group needs a name"));
    if (auto st = check_topic_list(topics); !st) return fail(st.error());
    auto start = core_->join(group);
    if (!start) return fail(start.error());
    return std::unique_ptr<Subscription>(std::make_unique<FileSubscription>(core_, topics, group, *start));
  }
  Result<std::unique_ptr<Tail>> tail(const std::vector<std::string>& topics, const Positions& from) override {
    if (auto st = check_topic_list(topics); !st) return fail(st.error());
    std::map<std::string, long long> start;  // one partition per topic here: 0
    for (const auto& [topic, partitions] : from) {
      if (auto p = partitions.find(0); p != partitions.end()) start[topic] = p->second;
    }
    return std::unique_ptr<Tail>(std::make_unique<FileTail>(core_, topics, start));
  }
  bool healthy() override { return core_->healthy(); }

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace

Result<std::unique_ptr<EventLog>> open_file_log(FileLogOptions options) {
  auto core = std::make_shared<Core>(std::move(options));
  try {
    if (auto st = core->open(); !st) return fail(st.error());
  } catch (const std::filesystem::filesystem_error& e) {
    return fail(unavailable(std::string("opening the file event log failed: ") + e.what()));
  }
  return std::unique_ptr<EventLog>(std::make_unique<FileLog>(std::move(core)));
}

}  // namespace concord::events
