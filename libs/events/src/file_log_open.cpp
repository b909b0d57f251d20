// The file log: opening a data directory, recovering its topics, creating topics.
#include "file_log_core.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>

#include "concord/core/log.hpp"

namespace concord::events::detail {

// Kafka's rule, so a name that works here works there: 1–249 of [A-Za-z0-9._-], not "." or "..".
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

std::string positions_document(const std::string& group, std::uint64_t txn, const std::map<std::string, long long>& p) {
  nlohmann::json doc = {{"group", group}, {"txn", txn}, {"positions", p}};
  return doc.dump() + "\n";
}

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
    return fail(log_error(LogFailure::fenced, "the data directory " + dir_.string() + " is in use by another process" +
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
        return fail(
            Error::internal("the positions file " + entry.path().string() + " has a bad position for " + topic));
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
    topic->appended = &metrics::global().counter("concord_events_appended_total", "Events appended to the event log.",
                                                 {{"topic", name}});
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
  log::info("file event log open",
            {{"directory", dir_.string()}, {"topics", topics_.size()}, {"groups", groups_.size()}});
  return {};
}

Status Core::recover_topic(Topic& t) {
  auto size = file_size(t.fd.get(), t.path);
  if (!size) return fail(size.error());
  char magic[kFileMagic.size()] = {};
  auto n = read_at(t.fd.get(), t.path, magic, sizeof magic, 0);
  if (!n) return fail(n.error());
  if (*n != kFileMagic.size() || std::string_view(magic, *n) != kFileMagic)
    return fail(
        Error::internal(t.path.string() + " does not start like a topic file of the file log; refusing to open"));
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
      last = Tail{view.pos,
                  view.size,
                  view.meta.count,
                  view.meta.kind == RecordKind::transaction,
                  std::string(view.meta.group),
                  view.meta.seq};
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
      return fail(Error::internal("topic file " + t.path.string() + " is damaged at byte " + std::to_string(at) + " (" +
                                  why + ") but holds valid records after it, from byte " + std::to_string(**later) +
                                  "; refusing to open rather than drop acknowledged events. Restore the file from a "
                                  "backup, or cut it at byte " +
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
    bool uncommitted =
        last->transaction && g != groups_.end() && g->second.has_file && last->seq > g->second.committed_txn;
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
  topic->appended = &metrics::global().counter("concord_events_appended_total", "Events appended to the event log.",
                                               {{"topic", name}});
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

}  // namespace concord::events::detail
