// Kafka event log figures against the broker in KAFKA_BROKERS: append latency (p50/p99) and
// throughput, one writer and many (with and without group commit), batched appends, and
// replay rate. Prints figures; passes or fails on nothing but errors.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "concord/core/metrics.hpp"
#include "concord/events/kafka_log.hpp"

using namespace concord;
using namespace concord::events;
using SteadyClock = std::chrono::steady_clock;

namespace {

Event make_event(const std::string& key, long long n) {
  Event e;
  e.id = new_uuid_v7();
  e.source = "/concord/bench";
  e.type = "concord.bench.meeting.scheduled";
  e.subject = "meeting/" + key;
  e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'000 + n}};
  e.sequence = n;
  e.actor = "bench";
  e.correlationid = new_uuid_v7();
  e.data = {{"meeting_id", key},
            {"title", "Bilateral meeting, expanded format"},
            {"n", n},
            {"starts_at", "2025-10-01T09:00:00Z"},
            {"ends_at", "2025-10-01T10:30:00Z"}};
  return e;
}

double transactions() {
  // The registry renders text; the committed-transaction counter is read back from it.
  std::string text = metrics::global().render();
  std::string needle = "concord_events_transactions_total{outcome=\"committed\"} ";
  auto at = text.find(needle);
  return at == std::string::npos ? 0 : std::atof(text.c_str() + at + needle.size());
}

struct Figures {
  double seconds = 0;
  size_t events = 0;
  std::vector<double> latencies_ms;
  double transactions = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void print(const char* name, const Figures& f) {
  std::printf("%-44s %8zu events %7.2f s %9.0f events/s  p50 %6.2f ms  p99 %6.2f ms  %6.1f events/txn\n", name,
              f.events, f.seconds, static_cast<double>(f.events) / f.seconds, percentile(f.latencies_ms, 0.50),
              percentile(f.latencies_ms, 0.99),
              f.transactions > 0 ? static_cast<double>(f.events) / f.transactions : 0);
}

// `threads` writers, each making `appends` appends of `batch` events, on keys of their own.
Figures run_appends(EventLog& log, const std::string& topic, int threads, int appends, int batch) {
  Figures f;
  std::vector<std::vector<double>> lat(static_cast<size_t>(threads));
  std::atomic<int> failures{0};
  double txn0 = transactions();
  auto t0 = SteadyClock::now();
  std::vector<std::thread> ws;
  for (int w = 0; w < threads; ++w) {
    ws.emplace_back([&, w] {
      for (int i = 0; i < appends; ++i) {
        std::string key = "m-" + std::to_string(w) + "-" + std::to_string(i % 50);
        std::vector<Event> events;
        for (int j = 0; j < batch; ++j) events.push_back(make_event(key, i * batch + j));
        auto a0 = SteadyClock::now();
        if (!log.append(topic, key, events)) ++failures;
        lat[static_cast<size_t>(w)].push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - a0).count());
      }
    });
  }
  for (auto& t : ws) t.join();
  f.seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  f.events = static_cast<size_t>(threads) * static_cast<size_t>(appends) * static_cast<size_t>(batch);
  f.transactions = transactions() - txn0;
  for (auto& l : lat) f.latencies_ms.insert(f.latencies_ms.end(), l.begin(), l.end());
  if (failures > 0) std::printf("  (%d appends failed)\n", failures.load());
  return f;
}

}  // namespace

int main() {
  const char* brokers = std::getenv("KAFKA_BROKERS");
  if (brokers == nullptr || *brokers == '\0') {
    std::fprintf(stderr, "KAFKA_BROKERS is not set: start a broker with deploy/local/stack.sh start\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  std::string run = new_uuid_v7().substr(24);
  auto open = [&](size_t max_group_events) {
    KafkaOptions o;
    o.brokers = brokers;
    o.transactional_id = "concord-bench-" + run + "-" + std::to_string(max_group_events);
    o.max_group_events = max_group_events;
    auto log = open_kafka_log(o);
    if (!log) {
      std::fprintf(stderr, "open: %s\n", log.error().detail.c_str());
      std::exit(1);
    }
    return std::move(*log);
  };
  auto grouped = open(10000);
  auto ungrouped = open(1);  // a transaction per append: group commit off
  std::string topic = "bench.kafka." + run;
  if (auto s = grouped->ensure_topics({TopicSpec{.name = topic, .partitions = 3}}); !s) {
    std::fprintf(stderr, "ensure_topics: %s\n", s.error().detail.c_str());
    return 1;
  }
  run_appends(*grouped, topic, 1, 20, 1);  // warm up: metadata, connections, coordinator

  std::printf("Kafka event log, broker %s, topic with 3 partitions, events of ~%zu bytes\n", brokers,
              serialize(make_event("m-0-0", 0)).size());
  print("1 writer, 1 event per append", run_appends(*grouped, topic, 1, 300, 1));
  print("1 writer, 100 events per append", run_appends(*grouped, topic, 1, 100, 100));
  print("8 writers, 1 event per append, group commit", run_appends(*grouped, topic, 8, 150, 1));
  print("8 writers, 1 event per append, no grouping", run_appends(*ungrouped, topic, 8, 50, 1));
  print("4 writers, 25 events per append, group commit", run_appends(*grouped, topic, 4, 250, 25));

  // Replay: everything above plus a bulk load, read back from the beginning.
  run_appends(*grouped, topic, 4, 50, 500);
  for (int i = 0; i < 2; ++i) {
    size_t n = 0;
    auto t0 = SteadyClock::now();
    auto s = grouped->replay(topic, [&](const Record&) -> Status {
      ++n;
      return {};
    });
    double secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    if (!s) {
      std::fprintf(stderr, "replay: %s\n", s.error().detail.c_str());
      return 1;
    }
    std::printf("%-44s %8zu events %7.2f s %9.0f events/s (parse included)\n", "replay from the beginning", n, secs,
                static_cast<double>(n) / secs);
  }
  return 0;
}
