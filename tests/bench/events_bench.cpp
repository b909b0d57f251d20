// Event log figures: append latency and throughput (one writer, concurrent writers with and
// without group commit, batches), the processor step (commit_with), replay and subscription
// rates. Prints a table and ratios; passes or fails on nothing but errors.
//
//   events_bench [--dir PATH] [--events N] [--appends N] [--writers N]
//
// Every backend is a Target: a name and a way to open a fresh log. To add one (Kafka), push it
// onto `targets` in main(); each scenario gets topics of its own from the target's prefix.
#include <sys/resource.h>
#include <sys/statfs.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "concord/core/log.hpp"
#include "concord/events/event_log.hpp"
#include "concord/events/file_log.hpp"

using namespace concord;
using namespace concord::events;
using Steady = std::chrono::steady_clock;

namespace {

struct Target {
  std::string name;
  std::string description;  // printed once, e.g. where the data lives
  // A log to run one scenario on; `variant` lets a target offer a configuration of itself
  // ("no-group-commit" for the file log); return nullptr when it has no such variant.
  std::function<std::unique_ptr<EventLog>(const std::string& variant)> open;
};

struct Settings {
  std::string dir;
  long long replay_events = 200'000;
  int appends = 2'000;
  int writers = 8;
};

struct Row {
  std::string scenario;
  long long ops = 0, events = 0;
  double seconds = 0;
  double cpu_seconds = 0;            // of the whole process, when measured
  std::vector<double> latencies_us;  // one per operation, when measured
};

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void print_header() {
  std::printf("%-44s %9s %12s %12s %10s %10s %14s\n", "scenario", "ops", "ops/s", "events/s", "p50 us", "p99 us",
              "events/cpu-s");
}

void print(const Row& r) {
  auto rate = [&](long long n) { return r.seconds > 0 ? static_cast<double>(n) / r.seconds : 0.0; };
  std::string cpu = r.cpu_seconds > 0
                        ? std::to_string(static_cast<long long>(static_cast<double>(r.events) / r.cpu_seconds))
                        : std::string("-");
  if (r.latencies_us.empty())
    std::printf("%-44s %9lld %12.0f %12.0f %10s %10s %14s\n", r.scenario.c_str(), r.ops, rate(r.ops), rate(r.events),
                "-", "-", cpu.c_str());
  else
    std::printf("%-44s %9lld %12.0f %12.0f %10.1f %10.1f %14s\n", r.scenario.c_str(), r.ops, rate(r.ops),
                rate(r.events), percentile(r.latencies_us, 0.50), percentile(r.latencies_us, 0.99), cpu.c_str());
  std::fflush(stdout);
}

// A realistic event: a rescheduled meeting, ~600 bytes of JSON.
Event sample_event(long long n) {
  Event e;
  e.id = "0192f0c1-7a3b-7c4d-8e5f-" + std::to_string(100'000'000'000LL + n);
  e.source = "/concord/scheduling";
  e.type = "concord.scheduling.meeting.rescheduled";
  e.subject = "meeting/0192f0c1-7a3b-7c4d-8e5f-0123456789ac";
  e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'000 + n}};
  e.dataschema = "https://concord.example/schemas/scheduling/meeting-rescheduled.json";
  e.sequence = n;
  e.actor = "user/0192f0c1-7a3b-7c4d-8e5f-0123456789ad";
  e.correlationid = "0192f0c1-7a3b-7c4d-8e5f-0123456789ae";
  e.causationid = "0192f0c1-7a3b-7c4d-8e5f-0123456789ae";
  e.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  e.data = {{"meeting_id", "0192f0c1-7a3b-7c4d-8e5f-0123456789ac"},
            {"visit_id", "0192f0c1-7a3b-7c4d-8e5f-0123456789af"},
            {"title", {{"en", "Bilateral meeting"}, {"ru", "Двусторонняя встреча"}}},
            {"format", "tete_a_tete"},
            {"old", {{"start", "2025-09-28T07:00:00Z"}, {"end", "2025-09-28T08:00:00Z"}}},
            {"new", {{"start", "2025-09-28T09:00:00Z"}, {"end", "2025-09-28T10:00:00Z"}}},
            {"venue_id", "0192f0c1-7a3b-7c4d-8e5f-0123456789b0"}};
  return e;
}

void check(const Status& st, const char* what) {
  if (!st) throw std::runtime_error(std::string(what) + ": " + st.error().detail);
}

std::string topic_for(const std::string& scenario) {
  static int n = 0;
  return "bench." + scenario + "." + std::to_string(++n);
}

// `writers` threads each append `per_writer` appends of `batch` events; latency per append.
Row appends(EventLog& log, const std::string& label, int writers, int per_writer, int batch) {
  auto topic = topic_for("append");
  check(log.ensure_topics({{.name = topic}}), "ensure_topics");
  Row row{.scenario = label};
  std::vector<std::vector<double>> lat(static_cast<size_t>(writers));
  std::atomic<bool> failed{false};
  auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::string key = "aggregate-" + std::to_string(w);
      std::vector<Event> events;
      for (int i = 0; i < batch; ++i) events.push_back(sample_event(i));
      for (int i = 0; i < per_writer; ++i) {
        auto t0 = Steady::now();
        if (!log.append(topic, key, events)) failed = true;
        lat[static_cast<size_t>(w)].push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  row.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  if (failed) throw std::runtime_error("an append failed in " + label);
  for (auto& l : lat) row.latencies_us.insert(row.latencies_us.end(), l.begin(), l.end());
  row.ops = static_cast<long long>(writers) * per_writer;
  row.events = row.ops * batch;
  return row;
}

// A processor step: poll 10 inputs, commit_with 10 outputs and the positions.
Row processor_steps(EventLog& log, int steps) {
  auto in = topic_for("in"), out = topic_for("out");
  check(log.ensure_topics({{.name = in}, {.name = out}}), "ensure_topics");
  for (int i = 0; i < steps; ++i) {
    std::vector<Event> batch;
    for (int j = 0; j < 10; ++j) batch.push_back(sample_event(i * 10 + j));
    check(log.append(in, "k", batch), "append");
  }
  auto sub = log.subscribe({in}, in + ".processor");
  if (!sub) throw std::runtime_error(sub.error().detail);
  Row row{.scenario = "commit_with, 10 in -> 10 out"};
  auto start = Steady::now();
  long long done = 0;
  while (done < steps * 10LL) {
    auto got = (*sub)->poll(std::chrono::seconds{5}, 10);
    if (!got || got->empty()) throw std::runtime_error("poll came back empty in the processor scenario");
    std::vector<Output> outputs;
    for (const auto& r : *got) outputs.push_back(Output{out, r.key, r.event});
    auto t0 = Steady::now();
    check((*sub)->commit_with(outputs, *got), "commit_with");
    row.latencies_us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count());
    done += static_cast<long long>(got->size());
  }
  row.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  row.ops = static_cast<long long>(row.latencies_us.size());
  row.events = done;
  return row;
}

// Fills a topic with `n` events in appends of 500, then replays it, and polls it through a group.
std::vector<Row> reading(EventLog& log, long long n) {
  auto topic = topic_for("replay");
  check(log.ensure_topics({{.name = topic}}), "ensure_topics");
  std::vector<Event> batch;
  for (long long i = 0; i < n;) {
    batch.clear();
    for (int j = 0; j < 500 && i < n; ++j, ++i) batch.push_back(sample_event(i));
    check(log.append(topic, "k" + std::to_string(i % 7), batch), "append");
  }
  std::vector<Row> rows;
  for (int pass = 0; pass < 2; ++pass) {
    Row row{.scenario = "replay " + std::to_string(n) + " events" + (pass ? " (again)" : "")};
    long long seen = 0, checksum = 0;
    auto cpu0 = process_cpu_seconds();
    auto start = Steady::now();
    check(log.replay(topic,
                     [&](const Record& r) -> Status {
                       ++seen;
                       checksum += r.event.sequence;
                       return {};
                     }),
          "replay");
    row.seconds = std::chrono::duration<double>(Steady::now() - start).count();
    row.cpu_seconds = process_cpu_seconds() - cpu0;
    if (seen != n || checksum != n * (n - 1) / 2) throw std::runtime_error("replay saw the wrong events");
    row.ops = row.events = seen;
    rows.push_back(row);
  }
  auto sub = log.subscribe({topic}, topic + ".reader");
  if (!sub) throw std::runtime_error(sub.error().detail);
  Row row{.scenario = "poll " + std::to_string(n) + " events (max 500)"};
  auto cpu0 = process_cpu_seconds();
  auto start = Steady::now();
  long long seen = 0;
  while (seen < n) {
    auto got = (*sub)->poll(std::chrono::seconds{5}, 500);
    if (!got || got->empty()) throw std::runtime_error("poll came back empty in the reading scenario");
    seen += static_cast<long long>(got->size());
  }
  row.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  row.cpu_seconds = process_cpu_seconds() - cpu0;
  row.ops = row.events = seen;
  rows.push_back(row);
  return rows;
}

double ops_per_second(const Row& r) {
  return r.seconds > 0 ? static_cast<double>(r.ops) / r.seconds : 0;
}

void run(const Target& target, const Settings& s) {
  double load[3] = {};
  ::getloadavg(load, 3);
  std::printf("\n== %s: %s; load average %.2f on %u cores\n", target.name.c_str(), target.description.c_str(), load[0],
              std::thread::hardware_concurrency());
  print_header();
  auto log = target.open("");
  auto single = appends(*log, "append 1 event, 1 writer", 1, s.appends, 1);
  print(single);
  auto group =
      appends(*log, "append 1 event, " + std::to_string(s.writers) + " writers", s.writers, s.appends / s.writers, 1);
  print(group);
  std::optional<Row> no_group;
  if (auto plain = target.open("no-group-commit")) {
    no_group = appends(*plain, "append 1 event, " + std::to_string(s.writers) + " writers, fsync each", s.writers,
                       s.appends / s.writers, 1);
    print(*no_group);
  }
  print(appends(*log, "append 100 events, 1 writer", 1, std::max(1, s.appends / 10), 100));
  print(processor_steps(*log, std::max(1, s.appends / 4)));
  for (const auto& row : reading(*log, s.replay_events)) print(row);
  std::printf("ratios: %d writers / 1 writer = %.2fx appends/s", s.writers,
              ops_per_second(group) / ops_per_second(single));
  if (no_group) std::printf("; group commit / fsync each = %.2fx", ops_per_second(group) / ops_per_second(*no_group));
  std::printf("\n");
}

std::string filesystem_of(const std::string& path) {
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0) return "unknown filesystem";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs (fsync is free: figures are not a disk's)";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default:
      return "filesystem 0x" + std::to_string(fs.f_type);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--dir")
      s.dir = value();
    else if (arg == "--events")
      s.replay_events = std::stoll(value());
    else if (arg == "--appends")
      s.appends = std::stoi(value());
    else if (arg == "--writers")
      s.writers = std::max(1, std::stoi(value()));
    else {
      std::fprintf(stderr, "usage: %s [--dir PATH] [--events N] [--appends N] [--writers N]\n", argv[0]);
      return 2;
    }
  }
  log::set_level(log::Level::warn);
  std::string base = s.dir;
  if (base.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "concord-events-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    base = pattern;
  }
  int opened = 0;
  std::vector<Target> targets;
  targets.push_back(Target{.name = "file",
                           .description = "file log in " + base + " (" + filesystem_of(base) + ")",
                           .open = [&](const std::string& variant) -> std::unique_ptr<EventLog> {
                             if (!variant.empty() && variant != "no-group-commit") return nullptr;
                             auto dir = std::filesystem::path(base) / ("log-" + std::to_string(++opened));
                             auto log =
                                 open_file_log(FileLogOptions{.directory = dir, .group_commit = variant.empty()});
                             if (!log) throw std::runtime_error(log.error().detail);
                             return std::move(*log);
                           }});
  // More targets (Kafka when KAFKA_BROKERS is set) go here.

  int status = 0;
  for (const auto& t : targets) {
    try {
      run(t, s);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", t.name.c_str(), e.what());
      status = 1;
    }
  }
  if (s.dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
  }
  return status;
}
