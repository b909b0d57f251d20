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

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cerrno>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "concord/core/log.hpp"
#include "concord/core/metrics.hpp"
#include "posix_file.hpp"
#include "record_format.hpp"

namespace concord::events {
namespace {

using namespace detail;
namespace fs = std::filesystem;

constexpr std::uint64_t kIndexStride = 64 * 1024;
constexpr std::string_view kTopicSuffix = ".log";
constexpr std::string_view kGroupSuffix = ".json";

Error rejected(std::string detail) { return log_error(LogFailure::rejected, std::move(detail)); }
Error unavailable(std::string detail) { return log_error(LogFailure::unavailable, std::move(detail)); }

// Kafka's rule, so a name that works here works there: 1–249 of [A-Za-z0-9._-], not "." or "..".
bool valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// A group name as a file name: safe characters kept, everything else (and a leading dot) %XX.
std::string group_file_name(std::string_view group) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < group.size(); ++i) {
    auto c = static_cast<unsigned char>(group[i]);
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                (c == '.' && i > 0);
    if (safe) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + std::string(kGroupSuffix);
}

struct IndexEntry {
  std::uint64_t pos;  // of a record
  long long first;    // offset of its first event
};

struct Topic {
  std::string name;
  fs::path path;
  Fd fd;
  std::uint64_t end = 0;  // bytes written; only the leader of a write round touches it
  // Published (under Core::mu_): readers never go past these.
  std::uint64_t visible_end = 0;
  long long visible_count = 0;
  std::vector<IndexEntry> index;
  metrics::Counter* appended = nullptr;

  void publish(std::uint64_t size, std::uint32_t count) {
    if (index.empty() || visible_end - index.back().pos >= kIndexStride) index.push_back({visible_end, visible_count});
    visible_end += size;
    visible_count += count;
  }
};

struct Group {
  std::uint64_t committed_txn = 0;  // from the positions file
  std::uint64_t last_seq = 0;       // the highest transaction number met in any topic
  std::map<std::string, long long> positions;
  bool has_file = false;
  bool active = false;  // a live subscription
};

struct Write {
  Topic* topic;
  std::string record;
  std::uint32_t count;
};

// One entry of the write queue: an append, or a commit_with (a round of its own).
struct Step {
  std::vector<Write> writes;
  bool transaction = false;
  std::string group;
  std::uint64_t seq = 0;
  std::map<std::string, long long> positions;
  bool done = false;
  Status result;
};

std::string positions_document(const std::string& group, std::uint64_t txn, const std::map<std::string, long long>& p) {
  nlohmann::json doc = {{"group", group}, {"txn", txn}, {"positions", p}};
  return doc.dump() + "\n";
}

class Core {
 public:
  explicit Core(FileLogOptions options) : dir_(std::move(options.directory)), group_commit_(options.group_commit) {}

  Status open();
  Status ensure_topics(const std::vector<TopicSpec>& topics);
  Status append(std::string_view topic, std::string_view key, const std::vector<Event>& events);
  Status replay(std::string_view topic, const std::function<Status(const Record&)>& visit);
  bool healthy() {
    std::lock_guard lk(mu_);
    return !poisoned_ && !closed_;
  }
  void close() {
    std::lock_guard lk(mu_);
    closed_ = true;
    data_cv_.notify_all();
  }

  // For subscriptions.
  Result<std::map<std::string, long long>> join(const std::string& group);
  void leave(const std::string& group);
  std::map<std::string, long long> committed(const std::string& group);
  Status commit_positions(const std::string& group, const std::map<std::string, long long>& positions);
  Status commit_transaction(const std::string& group, const std::vector<Output>& outputs,
                            const std::map<std::string, long long>& positions);

  struct View {
    Topic* topic = nullptr;
    std::uint64_t end = 0;
    long long count = 0;
  };
  View view(const std::string& topic) {
    std::lock_guard lk(mu_);
    return view_locked(topic);
  }
  View view_locked(const std::string& topic) {
    auto it = topics_.find(topic);
    if (it == topics_.end()) return {};
    return View{it->second.get(), it->second->visible_end, it->second->visible_count};
  }
  // The position of the record holding `offset` (or the end), found from the sparse index.
  Result<std::pair<std::uint64_t, long long>> locate(const View& v, long long offset);

  std::mutex mu_;
  std::condition_variable data_cv_;  // something was published, or the log closed
  bool closed_ = false;

 private:
  Status recover_topic(Topic& topic);
  Status create_topic(const std::string& name);
  Status submit(Step& step);
  void run_round(std::vector<Step*>& round);
  Status write_records(const std::vector<std::pair<Topic*, std::vector<iovec>>>& parts,
                       std::vector<std::pair<Topic*, std::uint64_t>>& written);
  Status roll_back(const std::vector<std::pair<Topic*, std::uint64_t>>& written);
  void poison(const Error& why);
  Status writable_locked() const;
  Result<std::vector<Write>> encode_outputs(const std::vector<Output>& outputs, const TxnTag* tag);
  Result<Topic*> topic_for_write_locked(std::string_view name);
  fs::path group_path(const std::string& group) const { return dir_ / "groups" / group_file_name(group); }

  fs::path dir_;
  bool group_commit_;
  Fd lock_;
  std::mutex create_mu_;  // one topic creation at a time
  std::condition_variable written_cv_;  // a write round finished
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;
  std::map<std::string, Group> groups_;
  std::deque<Step*> queue_;
  bool writing_ = false;
  bool poisoned_ = false;
  Error poison_;
  metrics::Histogram* sync_seconds_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Opening and recovery

Status Core::open() {
  if (dir_.empty()) return fail(rejected("the file log needs a data directory"));
  std::error_code ec;
  for (const auto* sub : {"topics", "groups"}) {
    fs::create_directories(dir_ / sub, ec);
    if (ec) return fail(unavailable("creating " + (dir_ / sub).string() + " failed: " + ec.message()));
  }
  for (const auto& d : {dir_, dir_ / "topics", dir_ / "groups"})
    if (auto st = sync_directory(d); !st) return st;

  auto lock_path = dir_ / "LOCK";
  auto lock = open_file(lock_path, O_RDWR | O_CREAT);
  if (!lock) return fail(lock.error());
  if (::flock(lock->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return fail(io_error("locking", lock_path, errno));
    char owner[32] = {};
    auto n = read_at(lock->get(), lock_path, owner, sizeof owner - 1, 0);
    std::string pid = n ? std::string(owner, *n) : std::string();
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return fail(log_error(LogFailure::fenced, "the data directory " + dir_.string() +
                                                  " is in use by another process" +
                                                  (pid.empty() ? std::string() : " (pid " + pid + ")") +
                                                  "; the file log serves one process at a time"));
  }
  std::string me = std::to_string(::getpid()) + "\n";
  if (auto st = truncate_to(lock->get(), lock_path, 0); !st) return st;
  if (auto st = write_at(lock->get(), lock_path, {iovec{me.data(), me.size()}}, 0); !st) return st;
  lock_ = std::move(*lock);

  sync_seconds_ = &metrics::global().histogram("concord_event_log_sync_seconds",
                                               "Time the file event log spends in fdatasync, per topic file.");

  // Leftovers of replacements a crash interrupted.
  for (const auto* sub : {"topics", "groups"}) {
    for (const auto& entry : fs::directory_iterator(dir_ / sub, ec))
      if (entry.path().extension() == ".tmp") fs::remove(entry.path(), ec);
  }

  for (const auto& entry : fs::directory_iterator(dir_ / "groups", ec)) {
    auto name = entry.path().filename().string();
    if (!name.ends_with(kGroupSuffix)) continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("group") || !doc["group"].is_string() ||
        !doc.contains("txn") || !doc["txn"].is_number_unsigned() || !doc.contains("positions") ||
        !doc["positions"].is_object())
      return fail(Error::internal("the positions file " + entry.path().string() +
                                  " is not one the file log wrote; repair or remove it (removing it makes the "
                                  "group start again from the beginning)"));
    Group g;
    g.has_file = true;
    g.committed_txn = doc["txn"].get<std::uint64_t>();
    for (const auto& [topic, pos] : doc["positions"].items()) {
      if (!pos.is_number_integer() || pos.get<long long>() < 0)
        return fail(Error::internal("the positions file " + entry.path().string() + " has a bad position for " + topic));
      g.positions[topic] = pos.get<long long>();
    }
    auto group = doc["group"].get<std::string>();
    if (group_file_name(group) != name)
      return fail(Error::internal("the positions file " + entry.path().string() + " belongs to group '" + group +
                                  "', whose file is " + group_file_name(group) + "; rename or remove it"));
    groups_[group] = std::move(g);
  }
  if (ec) return fail(unavailable("listing " + (dir_ / "groups").string() + " failed: " + ec.message()));

  for (const auto& entry : fs::directory_iterator(dir_ / "topics", ec)) {
    auto file = entry.path().filename().string();
    if (!file.ends_with(kTopicSuffix)) continue;
    auto name = file.substr(0, file.size() - kTopicSuffix.size());
    if (!valid_topic_name(name)) {
      log::warn("ignoring a file that is not a topic", {{"path", entry.path().string()}});
      continue;
    }
    auto topic = std::make_unique<Topic>();
    topic->name = name;
    topic->path = entry.path();
    auto fd = open_file(topic->path, O_RDWR);
    if (!fd) return fail(fd.error());
    topic->fd = std::move(*fd);
    if (auto st = recover_topic(*topic); !st) return st;
    topic->appended = &metrics::global().counter("concord_events_appended_total",
                                                 "Events appended to the event log.", {{"topic", name}});
    topics_[name] = std::move(topic);
  }
  if (ec) return fail(unavailable("listing " + (dir_ / "topics").string() + " failed: " + ec.message()));

  // A position past the end can only mean a topic file was replaced; resume at its end.
  for (auto& [name, group] : groups_) {
    for (auto& [topic, pos] : group.positions) {
      auto it = topics_.find(topic);
      long long count = it == topics_.end() ? 0 : it->second->visible_count;
      if (pos > count) {
        log::warn("a committed position lies past the end of its topic; resuming at the end",
                  {{"group", name}, {"topic", topic}, {"position", pos}, {"end", count}});
        pos = count;
      }
    }
  }
  log::info("file event log open", {{"directory", dir_.string()}, {"topics", topics_.size()}, {"groups", groups_.size()}});
  return {};
}

Status Core::recover_topic(Topic& t) {
  auto size = file_size(t.fd.get(), t.path);
  if (!size) return fail(size.error());
  char magic[kFileMagic.size()] = {};
  auto n = read_at(t.fd.get(), t.path, magic, sizeof magic, 0);
  if (!n) return fail(n.error());
  if (*n != kFileMagic.size() || std::string_view(magic, *n) != kFileMagic)
    return fail(Error::internal(t.path.string() + " does not start like a topic file of the file log; refusing to open"));
  auto file_end = static_cast<std::uint64_t>(*size);

  t.visible_end = kFileMagic.size();
  struct Tail {
    std::uint64_t pos = 0, size = 0;
    std::uint32_t count = 0;
    bool transaction = false;
    std::string group;
    std::uint64_t seq = 0;
  };
  std::optional<Tail> last;
  RecordReader reader(t.fd.get(), t.path, kFileMagic.size(), file_end);
  for (;;) {
    RecordView view;
    std::string why;
    auto step = reader.next(view, why);
    if (!step) return fail(step.error());
    if (*step == RecordReader::Step::end) break;
    if (*step == RecordReader::Step::record) {
      if (last) t.publish(last->size, last->count);
      last = Tail{view.pos, view.size, view.meta.count, view.meta.kind == RecordKind::transaction,
                  std::string(view.meta.group), view.meta.seq};
      if (last->transaction) {
        auto& g = groups_[last->group];
        g.last_seq = std::max(g.last_seq, last->seq);
      }
      continue;
    }
    // A bad or incomplete record at `at`: a torn tail, unless a valid record follows.
    std::uint64_t at = reader.position();
    if (*step == RecordReader::Step::incomplete) why = "the last record is cut short";
    auto later = find_valid_record(t.fd.get(), t.path, at + 1, file_end);
    if (!later) return fail(later.error());
    if (*later)
      return fail(Error::internal(
          "topic file " + t.path.string() + " is damaged at byte " + std::to_string(at) + " (" + why +
          ") but holds valid records after it, from byte " + std::to_string(**later) +
          "; refusing to open rather than drop acknowledged events. Restore the file from a backup, or cut it at byte " +
          std::to_string(at) + " to give up everything after the damage."));
    log::warn("truncating a torn or corrupt tail of a topic file",
              {{"topic", t.name}, {"path", t.path.string()}, {"at", at}, {"bytes", file_end - at}, {"reason", why}});
    if (auto st = truncate_to(t.fd.get(), t.path, static_cast<off_t>(at)); !st) return st;
    if (::fsync(t.fd.get()) != 0) return fail(io_error("syncing", t.path, errno));
    file_end = at;
    break;
  }
  if (last) {
    auto g = groups_.find(last->group);
    bool uncommitted = last->transaction && g != groups_.end() && g->second.has_file && last->seq > g->second.committed_txn;
    if (uncommitted) {
      log::warn("dropping the outputs of a commit_with that did not commit before the log stopped",
                {{"topic", t.name}, {"group", last->group}, {"txn", last->seq}, {"bytes", last->size}});
      if (auto st = truncate_to(t.fd.get(), t.path, static_cast<off_t>(last->pos)); !st) return st;
      if (::fsync(t.fd.get()) != 0) return fail(io_error("syncing", t.path, errno));
      file_end = last->pos;
      g->second.last_seq = g->second.committed_txn;
    } else {
      t.publish(last->size, last->count);
    }
  }
  t.end = file_end;
  return {};
}

Status Core::create_topic(const std::string& name) {
  auto topic = std::make_unique<Topic>();
  topic->name = name;
  topic->path = dir_ / "topics" / (name + std::string(kTopicSuffix));
  if (auto st = replace_file_atomically(topic->path, kFileMagic); !st) return st;
  auto fd = open_file(topic->path, O_RDWR);
  if (!fd) return fail(fd.error());
  topic->fd = std::move(*fd);
  topic->end = topic->visible_end = kFileMagic.size();
  topic->appended =
      &metrics::global().counter("concord_events_appended_total", "Events appended to the event log.", {{"topic", name}});
  std::lock_guard lk(mu_);
  topics_[name] = std::move(topic);
  data_cv_.notify_all();  // subscribers waiting for the topic to exist
  return {};
}

Status Core::ensure_topics(const std::vector<TopicSpec>& topics) {
  for (const auto& spec : topics)
    if (!valid_topic_name(spec.name))
      return fail(rejected("'" + spec.name + "' is not a valid topic name (1 to 249 of A-Z a-z 0-9 . _ -)"));
  std::lock_guard create(create_mu_);
  for (const auto& spec : topics) {
    {
      std::lock_guard lk(mu_);
      if (auto st = writable_locked(); !st) return st;
      if (topics_.contains(spec.name)) continue;
    }
    if (auto st = create_topic(spec.name); !st) return st;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Writing

Status Core::writable_locked() const {
  if (closed_) return fail(unavailable("the event log is closed"));
  if (poisoned_) return fail(poison_);
  return {};
}

void Core::poison(const Error& why) {
  std::lock_guard lk(mu_);
  if (poisoned_) return;
  poisoned_ = true;
  poison_ = unavailable("the event log stopped taking writes after a failed sync (" + why.detail +
                        "); restart the process to recover from the files");
  log::error("file event log poisoned", {{"directory", dir_.string()}, {"reason", why.detail}});
}

Result<Topic*> Core::topic_for_write_locked(std::string_view name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    if (!valid_topic_name(name)) return fail(rejected("'" + std::string(name) + "' is not a valid topic name"));
    return fail(rejected("topic '" + std::string(name) + "' does not exist; create it with ensure_topics first"));
  }
  return it->second.get();
}

Status Core::append(std::string_view topic, std::string_view key, const std::vector<Event>& events) {
  if (events.empty()) return {};
  RecordBuilder builder;
  for (size_t i = 0; i < events.size(); ++i) {
    if (auto st = validate(events[i]); !st)
      return fail(rejected("event " + std::to_string(i) + " of the append to " + std::string(topic) +
                           " is invalid: " + st.error().detail));
    builder.add(key, serialize(events[i]));
  }
  if (builder.body_size() > kMaxBody)
    return fail(rejected("the append to " + std::string(topic) + " is " + std::to_string(builder.body_size()) +
                         " bytes, more than the " + std::to_string(kMaxBody) + " one append may hold"));
  Step step;
  {
    std::lock_guard lk(mu_);
    auto t = topic_for_write_locked(topic);
    if (!t) return fail(t.error());
    step.writes.push_back(Write{*t, std::move(builder).finish(), static_cast<std::uint32_t>(events.size())});
  }
  return submit(step);
}

Status Core::submit(Step& step) {
  std::unique_lock lk(mu_);
  if (auto st = writable_locked(); !st) return st;
  queue_.push_back(&step);
  while (!step.done) {
    if (writing_) {
      written_cv_.wait(lk);
      continue;
    }
    writing_ = true;
    std::vector<Step*> round;
    if (queue_.front()->transaction) {
      round.push_back(queue_.front());
      queue_.pop_front();
    } else {
      while (!queue_.empty() && !queue_.front()->transaction && (group_commit_ || round.empty())) {
        round.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    if (auto st = writable_locked(); !st) {
      for (Step* s : round) s->result = st;
    } else {
      lk.unlock();
      run_round(round);
      lk.lock();
    }
    for (Step* s : round) {
      if (s->result) {
        for (const auto& w : s->writes) {
          w.topic->publish(w.record.size(), w.count);
          w.topic->appended->inc(w.count);
        }
        if (s->transaction) {
          auto& g = groups_[s->group];
          g.committed_txn = g.last_seq = s->seq;
          g.has_file = true;
          g.positions = s->positions;
        }
      }
      s->done = true;
    }
    writing_ = false;
    written_cv_.notify_all();
    data_cv_.notify_all();
  }
  return std::move(step.result);
}

// Writes each topic's parts at its end; `written` lists the topics touched and their old ends.
Status Core::write_records(const std::vector<std::pair<Topic*, std::vector<iovec>>>& parts,
                           std::vector<std::pair<Topic*, std::uint64_t>>& written) {
  for (const auto& [topic, iov] : parts) {
    written.emplace_back(topic, topic->end);
    std::uint64_t bytes = 0;
    for (const auto& v : iov) bytes += v.iov_len;
    if (auto st = write_at(topic->fd.get(), topic->path, iov, static_cast<off_t>(topic->end)); !st) return st;
    topic->end += bytes;
  }
  for (const auto& [topic, old_end] : written) {
    auto start = std::chrono::steady_clock::now();
    auto st = sync_data(topic->fd.get(), topic->path);
    sync_seconds_->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!st) {
      poison(st.error());
      return st;
    }
  }
  return {};
}

// Cuts the topics back to where they were before a failed round, durably, so that no later
// record ever follows the failed one; if that fails too, the log stops taking writes.
Status Core::roll_back(const std::vector<std::pair<Topic*, std::uint64_t>>& written) {
  Status result;
  for (const auto& [topic, old_end] : written) {
    auto st = truncate_to(topic->fd.get(), topic->path, static_cast<off_t>(old_end));
    if (st && ::fsync(topic->fd.get()) != 0) st = fail(io_error("syncing", topic->path, errno));
    if (!st) {
      poison(st.error());
      result = st;
    } else {
      topic->end = old_end;
    }
  }
  return result;
}

void Core::run_round(std::vector<Step*>& round) {
  std::vector<std::pair<Topic*, std::vector<iovec>>> parts;
  for (Step* s : round) {
    for (auto& w : s->writes) {
      auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == w.topic; });
      if (it == parts.end()) it = parts.insert(parts.end(), {w.topic, {}});
      it->second.push_back(iovec{w.record.data(), w.record.size()});
    }
  }
  std::vector<std::pair<Topic*, std::uint64_t>> written;
  Status st = write_records(parts, written);
  if (st && round.front()->transaction) {
    Step& s = *round.front();
    bool renamed = false;
    st = replace_file_atomically(group_path(s.group), positions_document(s.group, s.seq, s.positions), &renamed);
    if (!st && renamed) {
      // Only the directory's fsync failed: whether the commit survives a crash is unknown.
      poison(st.error());
      for (const auto& [topic, old_end] : written) topic->end = old_end;  // never publish it here
      for (Step* x : round) x->result = st;
      return;
    }
  }
  if (!st) roll_back(written);
  for (Step* s : round) s->result = st;
}

Result<std::vector<Write>> Core::encode_outputs(const std::vector<Output>& outputs, const TxnTag* tag) {
  std::vector<std::pair<std::string, RecordBuilder>> builders;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& o = outputs[i];
    if (auto st = validate(o.event); !st)
      return fail(rejected("output " + std::to_string(i) + " (to " + o.topic + ") is invalid: " + st.error().detail));
    auto it = std::find_if(builders.begin(), builders.end(), [&](const auto& b) { return b.first == o.topic; });
    if (it == builders.end()) it = builders.insert(builders.end(), {o.topic, RecordBuilder(tag)});
    it->second.add(o.key, serialize(o.event));
  }
  std::vector<Write> writes;
  std::lock_guard lk(mu_);
  for (auto& [name, builder] : builders) {
    auto t = topic_for_write_locked(name);
    if (!t) return fail(t.error());
    if (builder.body_size() > kMaxBody) return fail(rejected("the outputs to " + name + " are too large for one record"));
    auto count = builder.count();
    writes.push_back(Write{*t, std::move(builder).finish(), count});
  }
  return writes;
}

// ---------------------------------------------------------------------------------------------
// Reading

Status Core::replay(std::string_view topic, const std::function<Status(const Record&)>& visit) {
  View v;
  {
    std::lock_guard lk(mu_);
    if (closed_) return fail(unavailable("the event log is closed"));
    auto it = topics_.find(topic);
    if (it == topics_.end()) return {};
    v = view_locked(it->first);
  }
  // One thread: decoding on several was measured slower per event (the allocator pays for
  // memory freed on another thread than the one that took it) and no faster on two cores.
  RecordReader reader(v.topic->fd.get(), v.topic->path, kFileMagic.size(), v.end);
  Record record;
  record.topic = v.topic->name;
  long long offset = 0;
  for (;;) {
    RecordView view;
    std::string why;
    auto step = reader.next(view, why);
    if (!step) return fail(step.error());
    if (*step == RecordReader::Step::end) return {};
    if (*step != RecordReader::Step::record)
      return fail(Error::internal("topic file " + v.topic->path.string() + " is damaged at byte " +
                                  std::to_string(reader.position()) + ": " + why));
    for (const auto& ev : events_of(view.body, view.meta)) {
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
    std::string why;
    auto step = reader.next(view, why);
    if (!step) return fail(step.error());
    if (*step == RecordReader::Step::end) return std::pair{pos, first};
    if (*step != RecordReader::Step::record)
      return fail(Error::internal("topic file " + v.topic->path.string() + " is damaged at byte " +
                                  std::to_string(reader.position()) + ": " + why));
    if (offset < first + view.meta.count) return std::pair{pos, first};
    pos += view.size;
    first += view.meta.count;
  }
}

// ---------------------------------------------------------------------------------------------
// Groups

Result<std::map<std::string, long long>> Core::join(const std::string& group) {
  std::lock_guard lk(mu_);
  if (auto st = writable_locked(); !st) return fail(st.error());
  auto& g = groups_[group];
  if (g.active)
    return fail(rejected("consumer group '" + group + "' already has a live subscription in this process"));
  if (!g.has_file) {
    // Created before anything is consumed, so a transaction of this group can always be judged.
    if (auto st = replace_file_atomically(group_path(group), positions_document(group, g.committed_txn, g.positions));
        !st)
      return fail(st.error());
    g.has_file = true;
  }
  g.active = true;
  return g.positions;
}

void Core::leave(const std::string& group) {
  std::lock_guard lk(mu_);
  groups_[group].active = false;
}

std::map<std::string, long long> Core::committed(const std::string& group) {
  std::lock_guard lk(mu_);
  return groups_[group].positions;
}

Status Core::commit_positions(const std::string& group, const std::map<std::string, long long>& positions) {
  std::uint64_t txn;
  std::map<std::string, long long> merged;
  {
    std::lock_guard lk(mu_);
    if (auto st = writable_locked(); !st) return st;
    const auto& g = groups_[group];
    txn = g.committed_txn;
    merged = g.positions;
  }
  for (const auto& [topic, pos] : positions) merged[topic] = pos;
  if (auto st = replace_file_atomically(group_path(group), positions_document(group, txn, merged)); !st) return st;
  std::lock_guard lk(mu_);
  groups_[group].positions = std::move(merged);
  return {};
}

Status Core::commit_transaction(const std::string& group, const std::vector<Output>& outputs,
                                const std::map<std::string, long long>& positions) {
  if (outputs.empty()) return commit_positions(group, positions);
  Step step;
  step.transaction = true;
  step.group = group;
  {
    std::lock_guard lk(mu_);
    if (auto st = writable_locked(); !st) return st;
    const auto& g = groups_[group];
    step.seq = std::max(g.committed_txn, g.last_seq) + 1;
    step.positions = g.positions;
  }
  for (const auto& [topic, pos] : positions) step.positions[topic] = pos;
  TxnTag tag{group, step.seq};
  auto writes = encode_outputs(outputs, &tag);
  if (!writes) return fail(writes.error());
  step.writes = std::move(*writes);
  return submit(step);
}

// ---------------------------------------------------------------------------------------------
// The public objects

class FileSubscription final : public Subscription {
 public:
  FileSubscription(std::shared_ptr<Core> core, std::vector<std::string> topics, std::string group,
                   const std::map<std::string, long long>& start)
      : core_(std::move(core)), topics_(std::move(topics)), group_(std::move(group)) {
    for (const auto& t : topics_) cursors_[t].next = start.contains(t) ? start.at(t) : 0;
  }
  ~FileSubscription() override { core_->leave(group_); }

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
      std::string why;
      auto step = reader.next(view, why);
      if (!step) return fail(step.error());
      if (*step == RecordReader::Step::end) return {};
      if (*step != RecordReader::Step::record)
        return fail(Error::internal("topic file " + v.topic->path.string() + " is damaged at byte " +
                                    std::to_string(reader.position()) + ": " + why));
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

class FileLog final : public EventLog {
 public:
  explicit FileLog(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  ~FileLog() override { core_->close(); }

  Status ensure_topics(const std::vector<TopicSpec>& topics) override { return core_->ensure_topics(topics); }
  Status append(std::string_view topic, std::string_view key, const std::vector<Event>& events) override {
    return core_->append(topic, key, events);
  }
  Status replay(std::string_view topic, const std::function<Status(const Record&)>& visit) override {
    return core_->replay(topic, visit);
  }
  Result<std::unique_ptr<Subscription>> subscribe(const std::vector<std::string>& topics,
                                                  const std::string& group) override {
    if (group.empty()) return fail(rejected("a consumer group needs a name"));
    if (topics.empty()) return fail(rejected("a subscription needs at least one topic"));
    std::set<std::string> seen;
    for (const auto& t : topics) {
      if (!valid_topic_name(t)) return fail(rejected("'" + t + "' is not a valid topic name"));
      if (!seen.insert(t).second) return fail(rejected("topic '" + t + "' is listed twice"));
    }
    auto start = core_->join(group);
    if (!start) return fail(start.error());
    return std::unique_ptr<Subscription>(std::make_unique<FileSubscription>(core_, topics, group, *start));
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
