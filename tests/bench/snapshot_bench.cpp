// Start-up time of the scheduling service's state (its Store, its evolve() and its state codec)
// at a large history: a full replay beside a start from a snapshot that is followed by more
// events. Prints the figures and the ratio; passes or fails on nothing but errors (and a state
// from the snapshot that differs from the full replay's).
//
//   snapshot_bench [--events N] [--after N] [--dir PATH]
//
// --events: the history before the snapshot (default 1,000,000); --after: events appended
// after it, which the start from the snapshot replays (default 10,000); --dir: where the file
// log and the snapshot go (default a fresh directory under the system's temporary directory,
// removed at the end).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "concord/core/log.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/snapshot_store.hpp"
#include "concord/service/store.hpp"
#include "scheduling/domain/evolve.hpp"
#include "scheduling/domain/snapshot.hpp"
#include "scheduling_history.hpp"

using namespace concord;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

using SchedulingStore = service::Store<scheduling::State>;

double seconds_since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

long max_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "snapshot_bench: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<SchedulingStore> make_store(std::shared_ptr<events::EventLog> log,
                                            std::shared_ptr<events::SnapshotStore> snapshots) {
  auto store = std::make_unique<SchedulingStore>(
      std::move(log), [](scheduling::State& s, const std::string& topic, const events::Event& e) {
        scheduling::evolve(s, topic, e.type, e.data, e.time);
      });
  if (snapshots)
    store->use_snapshots("scheduling", {scheduling::kStateVersion, scheduling::encode_state, scheduling::decode_state},
                         {snapshots, 1'000'000'000, std::chrono::hours(24)});
  return store;
}

}  // namespace

int main(int argc, char** argv) {
  long long events = 1'000'000, after = 10'000;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--events")
      events = std::atoll(argv[i + 1]);
    else if (a == "--after")
      after = std::atoll(argv[i + 1]);
    else if (a == "--dir")
      dir = argv[i + 1];
    else
      die("unknown option " + a);
  }
  bool own_dir = dir.empty();
  if (own_dir) {
    auto pattern = (fs::temp_directory_path() / "concord-snapshot-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) die("mkdtemp failed");
    dir = pattern;
  }
  log::set_level(log::Level::warn);

  auto opened = events::open_file_log({.directory = fs::path(dir) / "log"});
  if (!opened) die(opened.error().detail);
  std::shared_ptr<events::EventLog> log = std::move(*opened);
  const std::vector<std::string> topics = {std::string(scheduling::kDelegationsTopic), std::string(scheduling::kTopic),
                                           std::string(scheduling::kPrivateTopic)};
  std::vector<events::TopicSpec> specs;
  for (const auto& t : topics) specs.push_back({t});
  if (auto s = log->ensure_topics(specs); !s) die(s.error().detail);
  auto snapshots = events::open_file_snapshots((fs::path(dir) / "snapshots").string());
  if (!snapshots) die(snapshots.error().detail);

  testing::SchedulingHistory history;
  int next_visit = 0;
  auto write = [&](long long n) {
    long long done = 0;
    while (done < n) {
      int visits = static_cast<int>(std::min<long long>(500, (n - done + 39) / 40));
      auto appends = history.visits(next_visit, visits);
      next_visit += visits;
      if (auto s = log->append_all(appends); !s) die(s.error().detail);
      done += history.events_in(appends);
    }
    return done;
  };

  std::printf("scheduling state start-up: file log in %s\n", dir.c_str());
  auto t = Steady::now();
  long long before = write(events);
  std::printf("  history written: %lld events (%d visits) in %.1f s\n", before, next_visit, seconds_since(t));

  // 1. A full replay, as every start did before snapshots.
  double full_s = 0;
  {
    auto store = make_store(log, nullptr);
    t = Steady::now();
    if (auto s = store->replay(topics); !s) die(s.error().detail);
    full_s = seconds_since(t);
    auto [meetings, members] = store->read([](const scheduling::State& s) {
      return std::pair{s.meetings.size(), s.members.size()};
    });
    std::printf("  full replay:                 %7.2f s  (%lld events, %.0f events/s; %zu meetings, %zu members)\n",
                full_s, before, static_cast<double>(before) / full_s, meetings, members);
  }

  // 2. A snapshot of it (the snapshotter's shadow is the replayed state; encode, checksum,
  //    fsync, rename).
  double write_s = 0, encode_s = 0;
  size_t bytes = 0;
  {
    auto store = make_store(log, *snapshots);
    if (auto s = store->replay(topics); !s) die(s.error().detail);
    t = Steady::now();
    auto encoded = store->read([](const scheduling::State& s) { return scheduling::encode_state(s); });
    encode_s = seconds_since(t);
    t = Steady::now();
    auto written = store->snapshot_now();
    if (!written) die(written.error().detail);
    write_s = seconds_since(t);
    bytes = encoded.size();
    std::printf("  snapshot written:            %7.2f s  (%.1f MB; of which encoding %.2f s)\n", write_s,
                static_cast<double>(bytes) / 1e6, encode_s);
  }

  // 3. More events after it, then a start from the snapshot.
  long long later = write(after);
  std::string from_snapshot_state;
  double start_s = 0;
  {
    auto store = make_store(log, *snapshots);
    t = Steady::now();
    if (auto s = store->replay(topics); !s) die(s.error().detail);
    start_s = seconds_since(t);
    auto r = store->recovery();
    if (!r.from_snapshot) die("the start did not use the snapshot: " + r.why_not);
    std::printf("  start from the snapshot:     %7.2f s  (%lld events in it, %lld replayed after it)\n", start_s,
                r.snapshot_events, r.replayed_events);
    from_snapshot_state = store->read([](const scheduling::State& s) { return scheduling::encode_state(s); });
  }
  // Where that time goes: reading and checking the file, decoding it.
  {
    t = Steady::now();
    auto latest = (*snapshots)->latest("scheduling", scheduling::kStateVersion);
    if (!latest || !std::holds_alternative<events::Snapshot>(*latest)) die("the snapshot cannot be read back");
    double read_s = seconds_since(t);
    t = Steady::now();
    auto state = scheduling::decode_state(std::get<events::Snapshot>(*latest).state);
    std::printf("    of which: read and checksum %.2f s, decode %.2f s\n", read_s, seconds_since(t));
  }
  // The same state as a full replay of everything.
  {
    auto store = make_store(log, nullptr);
    t = Steady::now();
    if (auto s = store->replay(topics); !s) die(s.error().detail);
    double full_again = seconds_since(t);
    bool same =
        store->read([](const scheduling::State& s) { return scheduling::encode_state(s); }) == from_snapshot_state;
    std::printf("  full replay of all %lld:   %7.2f s; same state as from the snapshot: %s\n", before + later,
                full_again, same ? "yes" : "NO");
    if (!same) die("the state from the snapshot differs from the full replay's");
    std::printf("  ratio full replay / start from snapshot: %.1fx (goal: under 2 s from the snapshot: %s)\n",
                full_again / start_s, start_s < 2.0 ? "met" : "not met");
  }
  std::printf("  peak RSS of the benchmark: %ld MB\n", max_rss_mb());
  if (own_dir) fs::remove_all(dir);
  return 0;
}
