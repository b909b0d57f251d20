// Notifications figures (issue 7):
//   1. event → inbox latency (p50, p99) at a steady rate (default 1,000 events/s), the service
//      running in this process on the file log: each meeting.scheduled event is appended as
//      scheduling would, and the clock stops when the notification it causes is published live
//      (after commit_with and the inbox update).
//   2. fan-out throughput: notifications/s from routing alone (one core, the pure domain), and
//      end to end through the processor (route → commit_with → inbox) on the file log.
// Prints figures and ratios against the goals (p99 < 100 ms; ≥ 20,000 notifications/s on one
// core: the fan-out runs pinned to one CPU); passes or fails on nothing but errors.
//
//   notifications_bench [--rate N] [--seconds N] [--fanout N]
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "../unit/notifications/service_harness.hpp"
#include "concord/core/log.hpp"
#include "notifications/domain/embedded_messages.hpp"
#include "notifications/domain/route.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using Steady = std::chrono::steady_clock;

namespace {

double ms(Steady::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

nlohmann::json meeting(const std::string& id, const std::vector<std::string>& participants) {
  return contract::meeting(id, contract::at("2030-09-28T07:00:00Z"), contract::at("2030-09-28T08:00:00Z"), participants,
                           1);
}

void latency(int rate, int seconds) {
  Harness h({}, *parse_rfc3339("2025-09-20T09:00:00Z"), false, Harness::Loops::threads);
  for (int m = 0; m < 10; ++m) h.add_member("m-" + std::to_string(m), m % 2 ? "ru" : "en", "Europe/Minsk");
  std::mutex mutex;
  std::map<std::string, Steady::time_point> sent;
  std::vector<double> samples;
  auto sub = h.cache().subscribe("concord.notifications.live", [&](std::string_view, std::string_view message) {
    auto now = Steady::now();
    auto doc = nlohmann::json::parse(message, nullptr, false);
    std::lock_guard lock(mutex);
    auto it = sent.find(doc["cause_event_id"].get<std::string>());
    if (it != sent.end()) samples.push_back(ms(now - it->second));
  });
  if (!sub) throw std::runtime_error(sub.error().detail);
  int total = rate * seconds;
  auto interval = std::chrono::nanoseconds(1'000'000'000LL / rate);
  auto start = Steady::now();
  // Appenders in parallel, as many requests of the scheduling service would be (the file log
  // commits concurrent appends with one fsync); each event leaves at its scheduled time.
  constexpr int kAppenders = 16;
  std::vector<std::thread> appenders;
  std::atomic<bool> failed{false};
  for (int w = 0; w < kAppenders; ++w) {
    appenders.emplace_back([&, w] {
      for (int i = w; i < total; i += kAppenders) {
        std::this_thread::sleep_until(start + interval * i);
        events::Event e;
        {
          std::lock_guard lock(mutex);
          e = h.make_event("concord.scheduling.meeting.scheduled",
                           {{"meeting", meeting("mt-" + std::to_string(i), {"m-" + std::to_string(i % 10)})}});
          sent[e.id] = Steady::now();
        }
        if (!h.log().append("concord.scheduling.v1", "visit-" + std::to_string(w), {e})) failed = true;
      }
    });
  }
  for (auto& t : appenders) t.join();
  if (failed) throw std::runtime_error("an append failed");
  auto sent_for = Steady::now() - start;
  wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return samples.size() >= static_cast<size_t>(total);
      },
      std::chrono::seconds(30));
  std::lock_guard lock(mutex);
  std::printf("event → inbox latency at %d events/s for %d s (file log, fsync per commit):\n", rate, seconds);
  std::printf("  offered %.0f events/s; %zu of %d notifications seen\n",
              total / std::chrono::duration<double>(sent_for).count(), samples.size(), total);
  double p50 = percentile(samples, 0.50), p99 = percentile(samples, 0.99);
  std::printf("  p50 %.2f ms   p99 %.2f ms   max %.2f ms   (goal p99 < 100 ms: %.2fx of the budget)\n", p50, p99,
              samples.empty() ? 0.0 : *std::max_element(samples.begin(), samples.end()), p99 / 100.0);
}

void fanout_domain(int participants) {
  auto catalogues = *Catalogues::load(embedded_message_files());
  Views views;
  std::vector<std::string> members;
  for (int m = 0; m < participants; ++m) {
    members.push_back("m-" + std::to_string(m));
    evolve(views, Incoming{"e",
                           "concord.delegations.member.added",
                           {},
                           {{"member", contract::member(members.back(), "d", m % 2 ? "ru" : "en",
                                                        m % 3 ? "Europe/Minsk" : "Asia/Bishkek")}}});
  }
  SequentialIdGenerator ids;
  std::map<std::string, Preferences> prefs;
  RouteContext ctx{*parse_rfc3339("2030-09-20T09:00:00Z"), ids, catalogues, prefs};
  size_t produced = 0;
  auto start = Steady::now();
  int events = 0;
  while (Steady::now() - start < std::chrono::seconds(2)) {
    Incoming in{"ev-" + std::to_string(events),
                "concord.scheduling.meeting.scheduled",
                {},
                {{"meeting", meeting("mt-" + std::to_string(events), members)}}};
    for (auto& n : route(in, views, ctx)) produced += to_json(n).dump().size() > 0;
    ++events;
  }
  double secs = std::chrono::duration<double>(Steady::now() - start).count();
  std::printf("fan-out, routing and rendering only (one thread, %d participants an event):\n", participants);
  std::printf("  %.0f notifications/s (%d events in %.2f s)   (goal ≥ 20,000/s: %.2fx)\n", produced / secs, events,
              secs, produced / secs / 20000.0);
}

void fanout_processor(int participants, int events) {
  Harness h(std::map<std::string, std::string>{{"CONCORD_NOTIFICATIONS_BATCH", "1000"}},
            *parse_rfc3339("2025-09-20T09:00:00Z"), false, Harness::Loops::threads);
  h.close();
  h.open_log();
  std::vector<std::string> members;
  for (int m = 0; m < participants; ++m) {
    members.push_back("m-" + std::to_string(m));
    h.add_member(members.back(), m % 2 ? "ru" : "en", "Europe/Minsk");
  }
  std::vector<events::Event> batch;
  for (int i = 0; i < events; ++i) {
    batch.push_back(h.make_event("concord.scheduling.meeting.scheduled",
                                 {{"meeting", meeting("mt-" + std::to_string(i), members)}}));
    if (batch.size() == 100) {
      if (auto s = h.log().append("concord.scheduling.v1", "visit-1", batch); !s)
        throw std::runtime_error(s.error().detail);
      batch.clear();
    }
  }
  if (!batch.empty()) (void)h.log().append("concord.scheduling.v1", "visit-1", batch);
  long long expected = static_cast<long long>(participants) * events;
  std::atomic<long long> seen{0};
  auto sub = h.cache().subscribe("concord.notifications.live", [&](std::string_view, std::string_view) { ++seen; });
  auto start = Steady::now();
  h.start_service();
  wait_until([&] { return seen.load() >= expected; }, std::chrono::seconds(120));
  double secs = std::chrono::duration<double>(Steady::now() - start).count();
  std::printf("fan-out end to end (route → commit_with on the file log → inbox → live), %d events × %d participants:\n",
              events, participants);
  std::printf("  %.0f notifications/s (%lld in %.2f s, including recovery)   (goal ≥ 20,000/s: %.2fx)\n",
              static_cast<double>(seen.load()) / secs, seen.load(), secs,
              static_cast<double>(seen.load()) / secs / 20000.0);
}

}  // namespace

int main(int argc, char** argv) {
  int rate = 1000, seconds = 5, fanout = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rate"))
      rate = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--fanout"))
      fanout = std::atoi(argv[i + 1]);
  }
  log::set_level(log::Level::warn);
  try {
    latency(rate, seconds);
    // The fan-out goal is per core: this thread, and every thread the service starts from
    // here on, runs on one CPU.
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
    bool pinned = sched_setaffinity(0, sizeof one, &one) == 0;
    std::printf("fan-out figures below: %s\n",
                pinned ? "the process pinned to one CPU" : "NOT pinned (sched_setaffinity failed)");
    fanout_domain(fanout);
    fanout_processor(fanout, 400);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "notifications_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
