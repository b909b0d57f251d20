#pragma once
// The file log's internals, shared by its source files (the design is described at the top of
// file_log.cpp): topics, groups, the write queue, and Core, which owns them.
#include <sys/uio.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/core/metrics.hpp"
#include "concord/events/event_log.hpp"
#include "concord/events/file_log.hpp"
#include "posix_file.hpp"
#include "record_format.hpp"
#include "topic_names.hpp"

namespace concord::events::detail {

namespace fs = std::filesystem;

inline constexpr std::uint64_t kIndexStride = 64 * 1024;
inline constexpr std::string_view kTopicSuffix = ".log";
inline constexpr std::string_view kGroupSuffix = ".json";

inline Error rejected(std::string detail) {
  return log_error(LogFailure::rejected, std::move(detail));
}
inline Error unavailable(std::string detail) {
  return log_error(LogFailure::unavailable, std::move(detail));
}

// A group name as a file name: safe characters kept, everything else (and a leading dot) %XX.
std::string group_file_name(std::string_view group);

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

// The contents of a group's positions file.
std::string positions_document(const std::string& group, std::uint64_t txn, const std::map<std::string, long long>& p);

// The state behind a FileLog and its subscriptions (which hold it alive), with its one mutex.
class Core {
 public:
  explicit Core(FileLogOptions options) : dir_(std::move(options.directory)), group_commit_(options.group_commit) {}

  Status open();
  Status ensure_topics(const std::vector<TopicSpec>& topics);
  Status append_all(const std::vector<Append>& appends);
  // Every event from offset `from` to the end as of the call.
  Status replay(std::string_view topic, long long from, const std::function<Status(const Record&)>& visit);
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
  std::mutex create_mu_;                // one topic creation at a time
  std::condition_variable written_cv_;  // a write round finished
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;
  std::map<std::string, Group> groups_;
  std::deque<Step*> queue_;
  bool writing_ = false;
  bool poisoned_ = false;
  Error poison_;
  metrics::Histogram* sync_seconds_ = nullptr;
};

}  // namespace concord::events::detail
