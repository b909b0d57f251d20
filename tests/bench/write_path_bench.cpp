// The write path's figures, printed, never judged. Scheduling runs in this process exactly as
// `concord serve` runs it (Platform, Host, the whole HTTP stack), on the file log and, when
// KAFKA_BROKERS is set, on that broker; wrk on loopback drives it:
//   - accepted writes/s (POST /v1/venues) with 1 and with 32 concurrent clients, after a
//     warm-up run that is not counted (a broker just started, or a JVM that has not compiled its
//     hot paths yet, halves the first run's figure);
//   - GET /v1/venues/{id} p50/p99 idle, and while the 32 writers run;
//   - the 32 writers' rate in that run too: the readers, four connections that never pause,
//     take a share of this 2-core machine's CPU from the writers, so both rates are printed;
//   - how many events each commit (Kafka transaction, file log fsync) carried under the 32
//     writers alone.
// On Kafka it runs twice: as configured (the gap between transactions adapts, none while the
// broker keeps up: libs/events/src/transaction_gap.hpp), and with CONCORD_KAFKA_TRANSACTION_GAP=0
// (never a gap), to show what the adaptation buys.
// Goals (issue 13): on Kafka at least 2,000 accepted writes/s with 32 clients; GET p99 under
// that load at most 2× its idle value.
//
//   KAFKA_BROKERS=… [CONCORD_KAFKA_TRANSACTION_GAP=…] build/bench/write_path_bench [seconds per run, default 5]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "concord/auth/jwt.hpp"
#include "concord/core/log.hpp"
#include "concord/core/metrics.hpp"
#include "concord/http/client.hpp"
#include "concord/scheduling/service.hpp"
#include "concord/service/host.hpp"
#include "concord/service/platform.hpp"
#include "wrk_load.hpp"

using namespace concord;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSecret = "write-path-bench-secret-0123456789abcdef";

struct Row {
  std::string backend;
  bench::LoadFigures writes_1, writes_32, writes_32_read, get_idle, get_loaded;
  double events_per_commit = 0;
  double ms_per_commit = 0;               // the 32 writers' run time over its commits
  std::map<std::string, double> step_ms;  // Kafka: mean time of each step of a transaction
};

// Events committed and commits made so far in this process, from its metrics: Kafka's
// transactions, or the file log's fsyncs.
struct Commits {
  double events = 0, commits = 0;
  std::map<std::string, std::pair<double, double>> steps;  // seconds, count
};
// The label value after `prefix` when `line` starts with it.
std::optional<std::string> step_of(const std::string& line, std::string_view prefix) {
  if (!line.starts_with(prefix)) return std::nullopt;
  return line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size());
}

Commits commits_so_far() {
  Commits c;
  std::istringstream text(metrics::global().render());
  for (std::string line; std::getline(text, line);) {
    auto space = line.rfind(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos) continue;
    double value = std::atof(line.c_str() + space + 1);
    if (line.starts_with("concord_events_produced_total{") || line.starts_with("concord_events_appended_total{"))
      c.events += value;
    else if (line.starts_with("concord_events_transactions_total{outcome=\"committed\"}") ||
             line.starts_with("concord_event_log_sync_seconds_count"))
      c.commits += value;
    else if (auto sum_of = step_of(line, "concord_events_transaction_step_seconds_sum{step=\""))
      c.steps[*sum_of].first += value;
    else if (auto count_of = step_of(line, "concord_events_transaction_step_seconds_count{step=\""))
      c.steps[*count_of].second += value;
  }
  return c;
}

std::string post_script(const fs::path& dir) {
  auto path = dir / "post_venue.lua";
  std::ofstream(path) << "wrk.method = \"POST\"\n"
                         "wrk.body = '{\"name\": \"Hall of the Republic\", \"capacity\": 200, "
                         "\"time_zone\": \"Europe/Minsk\"}'\n"
                         "wrk.headers[\"Content-Type\"] = \"application/json\"\n";
  return path.string();
}

std::optional<Row> measure(const std::string& backend, const std::string& kafka_brokers,
                           const std::map<std::string, std::string>& settings, int seconds) {
  auto dir = fs::temp_directory_path() / ("concord-write-path-" + std::to_string(::getpid()) + "-" + backend);
  fs::create_directories(dir);
  std::map<std::string, std::string> vars = {{"CONCORD_DATA_DIR", dir.string()},
                                             {"CONCORD_JWT_SECRET", kSecret},
                                             {"CONCORD_ACCESS_LOG", "false"},
                                             {"CONCORD_SCHEDULING_ADDR", "127.0.0.1:0"}};
  if (!kafka_brokers.empty()) vars["KAFKA_BROKERS"] = kafka_brokers;
  vars.insert(settings.begin(), settings.end());
  Env env = Env::from_map(vars);
  auto platform = service::Platform::from_env(env);
  if (!platform) {
    std::fprintf(stderr, "%s: %s\n", backend.c_str(), platform.error().detail.c_str());
    return std::nullopt;
  }
  auto host = service::Host::create(**platform, scheduling::spec(), env);
  if (!host) {
    std::fprintf(stderr, "%s: %s\n", backend.c_str(), host.error().detail.c_str());
    return std::nullopt;
  }
  std::string base = "http://127.0.0.1:" + std::to_string((*host)->port());
  for (int i = 0; i < 600; ++i) {
    auto ready = http::fetch({.url = base + "/readyz"});
    if (ready && ready->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto jwt = auth::jwt_config_from_env(env, dir.string());
  auto token = auth::mint(
      *jwt, {.subject = "officer", .roles = {auth::Role::protocol_officer}, .issued_at = (*platform)->clock().now()});
  std::string authorization = "Authorization: Bearer " + *token;
  http::ClientRequest create{.method = http::Method::post, .url = base + "/v1/venues"};
  create.headers.set("Authorization", "Bearer " + *token);
  create.headers.set("Content-Type", "application/json");
  create.body = R"({"name": "Palace of Independence", "capacity": 300, "time_zone": "Europe/Minsk"})";
  auto created = http::fetch(create);
  if (!created || created->status != 201) {
    std::fprintf(stderr, "%s: creating a venue failed\n", backend.c_str());
    return std::nullopt;
  }
  std::string venue = nlohmann::json::parse(created->body)["id"];

  std::string script = post_script(dir);
  auto writes = [&](int clients, int for_seconds) {
    return bench::run_wrk({.url = base + "/v1/venues",
                           .headers = {authorization},
                           .connections = clients,
                           .threads = clients > 1 ? 2 : 1,
                           .seconds = for_seconds,
                           .script = script});
  };
  auto reads = [&] {
    return bench::run_wrk({.url = base + "/v1/venues/" + venue,
                           .headers = {authorization},
                           .connections = 4,
                           .threads = 1,
                           .seconds = seconds});
  };
  Row row{backend, {}, {}, {}, {}, {}, 0};
  (void)writes(32, std::min(seconds, 3));  // the warm-up, not counted
  auto w1 = writes(1, seconds);
  auto idle = reads();
  auto before = commits_so_far();
  auto w32 = writes(32, seconds);
  auto after = commits_so_far();
  std::optional<bench::LoadFigures> w32_read, loaded;
  std::thread writers([&] { w32_read = writes(32, seconds); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the writers under way first
  loaded = reads();
  writers.join();
  if (after.commits > before.commits) {
    row.events_per_commit = (after.events - before.events) / (after.commits - before.commits);
    row.ms_per_commit = 1000.0 * seconds / (after.commits - before.commits);
  }
  for (const auto& [step, figures] : after.steps) {
    auto was = before.steps[step];
    if (figures.second > was.second)
      row.step_ms[step] = 1000.0 * (figures.first - was.first) / (figures.second - was.second);
  }
  (*host)->stop();
  host->reset();
  platform->reset();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  if (!w1 || !idle || !w32 || !w32_read || !loaded) return std::nullopt;
  row.writes_1 = *w1;
  row.writes_32_read = *w32_read;
  row.get_idle = *idle;
  row.writes_32 = *w32;
  row.get_loaded = *loaded;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  log::set_level(log::Level::warn);
  std::vector<Row> rows;
  if (auto r = measure("file log", "", {}, seconds)) rows.push_back(*r);
  const char* brokers = std::getenv("KAFKA_BROKERS");
  if (brokers && *brokers) {
    std::map<std::string, std::string> configured;  // the gap to measure, when not the default
    if (const char* gap = std::getenv("CONCORD_KAFKA_TRANSACTION_GAP"))
      configured["CONCORD_KAFKA_TRANSACTION_GAP"] = gap;
    if (auto r = measure("kafka", brokers, configured, seconds)) rows.push_back(*r);
    if (auto r = measure("kafka no gap", brokers, {{"CONCORD_KAFKA_TRANSACTION_GAP", "0ms"}}, seconds))
      rows.push_back(*r);
  } else {
    std::printf("(KAFKA_BROKERS unset: the Kafka row is skipped; deploy/local/stack.sh start prints one)\n");
  }
  std::printf("\nScheduling write path through the whole HTTP stack, wrk on loopback, %d s per run\n", seconds);
  std::printf("%-12s %12s %12s %14s %14s %22s %22s %10s %8s\n", "log", "writes/s c1", "writes/s c32", "c32 + GETs",
              "events/commit", "GET idle p50/p99 ms", "GET loaded p50/p99 ms", "p99 ratio", "non-2xx");
  for (const auto& r : rows) {
    std::printf("%-12s %12.0f %12.0f %14.0f %14.1f %10.3f / %8.3f %10.3f / %8.3f %9.2fx %8lld\n", r.backend.c_str(),
                r.writes_1.requests_per_second, r.writes_32.requests_per_second, r.writes_32_read.requests_per_second,
                r.events_per_commit, r.get_idle.p50_ms, r.get_idle.p99_ms, r.get_loaded.p50_ms, r.get_loaded.p99_ms,
                r.get_idle.p99_ms > 0 ? r.get_loaded.p99_ms / r.get_idle.p99_ms : 0.0,
                r.writes_1.non_2xx + r.writes_32.non_2xx + r.writes_32_read.non_2xx + r.get_idle.non_2xx +
                    r.get_loaded.non_2xx);
  }
  std::printf("\nOne commit under the 32 writers (mean ms): the run over its commits, and Kafka's steps\n");
  for (const auto& r : rows) {
    std::printf("%-12s %6.2f per commit", r.backend.c_str(), r.ms_per_commit);
    for (const char* step : {"gap", "begin", "produce", "acks", "commit"})
      if (auto it = r.step_ms.find(step); it != r.step_ms.end()) std::printf("  %s %.2f", step, it->second);
    std::printf("\n");
  }
  std::printf("goals: kafka writes/s c32 >= 2000; GET p99 loaded/idle <= 2x\n");
  return rows.empty() ? 1 : 0;
}
