// Redis cache round trips per second beside redis-benchmark's, both against one redis-server
// this program starts on a free loopback port. Prints figures and ratios; never fails on time.
//
//   sequential: one command at a time, each waiting for its reply (the Cache interface)
//   pipelined:  RedisCache::pipeline() with batches of 100
//   threads:    8 threads calling the Cache interface at once (commands share writes)
// redis-benchmark runs with its defaults (50 connections) and, for a like-for-like figure,
// with one connection (-c 1), each with and without -P 100.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "concord/cache/redis_cache.hpp"
#include "redis_server.hpp"

namespace {

using concord::cache::RedisCache;
using concord::cache::RedisCommand;
using Clock = std::chrono::steady_clock;

constexpr int kSequential = 20000;  // per operation
constexpr int kPipelined = 100000;  // per operation, in batches of kBatch
constexpr int kBatch = 100;
constexpr int kThreads = 8, kPerThread = 5000;

double per_second(int ops, Clock::duration took) {
  return ops / std::chrono::duration<double>(took).count();
}

std::string key(int i) {
  return "bench:" + std::to_string(i % 1000);
}

double sequential(RedisCache& cache, bool set) {
  int failures = 0;
  auto start = Clock::now();
  for (int i = 0; i < kSequential; ++i) {
    bool ok = set ? cache.set(key(i), "value").has_value() : cache.get(key(i)).has_value();
    failures += ok ? 0 : 1;
  }
  auto took = Clock::now() - start;
  if (failures > 0) std::printf("  (%d failed calls)\n", failures);
  return per_second(kSequential, took);
}

double pipelined(RedisCache& cache, bool set) {
  std::vector<RedisCommand> batch;
  for (int i = 0; i < kBatch; ++i) {
    batch.push_back(set ? RedisCommand{"SET", key(i), "value"} : RedisCommand{"GET", key(i)});
  }
  int failures = 0;
  auto start = Clock::now();
  for (int done = 0; done < kPipelined; done += kBatch) failures += cache.pipeline(batch) ? 0 : 1;
  auto took = Clock::now() - start;
  if (failures > 0) std::printf("  (%d failed batches)\n", failures);
  return per_second(kPipelined, took);
}

double threaded(RedisCache& cache, bool set) {
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&cache, set] {
      for (int i = 0; i < kPerThread; ++i) set ? (void)cache.set(key(i), "value") : (void)cache.get(key(i));
    });
  }
  for (auto& th : threads) th.join();
  return per_second(kThreads * kPerThread, Clock::now() - start);
}

// {"SET": rps, "GET": rps} from `redis-benchmark -q`, whose progress lines end in '\r'.
std::map<std::string, double> redis_benchmark(std::uint16_t port, const std::string& extra) {
  std::string command =
      "redis-benchmark -h 127.0.0.1 -p " + std::to_string(port) + " -t set,get -n 100000 -q " + extra + " 2>/dev/null";
  std::map<std::string, double> out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
  ::pclose(pipe);
  static const std::regex line(R"((SET|GET): ([0-9.]+) requests per second)");
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) {
    out[(*it)[1]] = std::stod((*it)[2]);
  }
  return out;
}

void row(const char* what, double ours, std::optional<double> theirs, const char* theirs_label) {
  if (theirs && *theirs > 0) {
    std::printf("  %-30s %12.0f   %-24s %12.0f   %6.2f\n", what, ours, theirs_label, *theirs, ours / *theirs);
  } else {
    std::printf("  %-30s %12.0f   %-24s %12s   %6s\n", what, ours, theirs_label, "n/a", "-");
  }
}

std::optional<double> lookup(const std::map<std::string, double>& m, const std::string& op) {
  auto it = m.find(op);
  return it == m.end() ? std::nullopt : std::optional(it->second);
}

}  // namespace

int main() {
  concord::cache::testing::RedisServer server;
  auto made = RedisCache::connect({.url = server.url(), .command_timeout = std::chrono::seconds(5)});
  if (!made) {
    std::fprintf(stderr, "cannot connect: %s\n", made.error().detail.c_str());
    return 1;
  }
  auto& cache = **made;
  for (int i = 0; i < 1000; ++i) (void)cache.set(key(i), "value");  // warm up; GETs hit

  struct Ours {
    double sequential, pipelined, threaded;
  };
  std::map<std::string, Ours> ours;
  for (bool set : {true, false}) {
    ours[set ? "SET" : "GET"] = {sequential(cache, set), pipelined(cache, set), threaded(cache, set)};
  }
  auto plain = redis_benchmark(server.port(), "");
  auto plain_p = redis_benchmark(server.port(), "-P 100");
  auto single = redis_benchmark(server.port(), "-c 1");
  auto single_p = redis_benchmark(server.port(), "-c 1 -P 100");

  std::printf("Redis cache round trips per second (loopback, redis-server on port %u)\n", server.port());
  std::printf("  %-30s %12s   %-24s %12s   %6s\n", "ours", "ops/s", "redis-benchmark", "ops/s", "ratio");
  for (const char* op : {"SET", "GET"}) {
    const auto& o = ours[op];
    std::string seq = std::string(op) + " sequential", pip = std::string(op) + " pipelined x" + std::to_string(kBatch);
    std::string thr = std::string(op) + " " + std::to_string(kThreads) + " threads";
    row(seq.c_str(), o.sequential, lookup(single, op), "-c 1");
    row(seq.c_str(), o.sequential, lookup(plain, op), "default (-c 50)");
    row(pip.c_str(), o.pipelined, lookup(single_p, op), "-c 1 -P 100");
    row(pip.c_str(), o.pipelined, lookup(plain_p, op), "-P 100 (-c 50)");
    row(thr.c_str(), o.threaded, lookup(plain, op), "default (-c 50)");
  }
  return 0;
}
