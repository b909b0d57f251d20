// Scheduling figures, printed, never judged:
//  1. the conflict check (find_conflicts: visit dates, venue with buffer, every participant,
//     capacity, members, format) at 1k, 10k and 100k meetings, beside a full scan of the same
//     schedule — goal: sub-linear growth, under 10 µs at 100k;
//  2. GET /v1/visits/{id}/programme through Concord's whole HTTP stack (JWT, router, metrics,
//     the service) beside a bare Beast server answering the same body, in the same run with wrk
//     on loopback — goal: at least 50% of the bare server's requests/s.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "bare_beast.hpp"
#include "concord/auth/cached_verifier.hpp"
#include "concord/auth/jwt.hpp"
#include "concord/cache/memory_cache.hpp"
#include "concord/core/log.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"
#include "concord/scheduling/service.hpp"
#include "delegation_events.hpp"
#include "scheduling/domain/codec.hpp"
#include "scheduling/domain/conflicts.hpp"
#include "scheduling/domain/evolve.hpp"
#include "wrk_load.hpp"

using namespace concord;
using namespace concord::scheduling;
using nlohmann::json;
namespace dlg = concord::testing::delegations;

namespace {

constexpr int kVenues = 20;
constexpr int kMembers = 2000;
constexpr int kPerMeeting = 4;
const Timestamp kDay0 = *parse_rfc3339("2025-01-01T00:00:00Z");
constexpr auto kSlot = std::chrono::minutes(45);  // 30-minute meetings, 15 minutes apart

std::string member_id(int i) {
  return "member-" + std::to_string(i);
}

// n meetings over kVenues venues, never double-booking a venue or a person.
State schedule_of(int n) {
  State s;
  auto d = dlg::delegation_registered("host", "visit", "host", member_id(0));
  evolve(s, kDelegationsTopic, d.type, d.data, kDay0);
  d = dlg::delegation_registered("guest", "visit", "guest", member_id(1));
  evolve(s, kDelegationsTopic, d.type, d.data, kDay0);
  for (int i = 0; i < kMembers; ++i) {
    auto m = dlg::member_added({member_id(i), i % 2 ? "guest" : "host", "visit", "Member " + std::to_string(i),
                                i < 2 ? "head_of_state" : "official", i < 2});
    evolve(s, kDelegationsTopic, m.type, m.data, kDay0);
  }
  for (int v = 0; v < kVenues; ++v) {
    Venue venue{"venue-" + std::to_string(v), "Hall", "Minsk", "", "Europe/Minsk", 50, 10, 1};
    evolve(s, kTopic, "concord.scheduling.venue.created", {{"venue", to_json(venue)}}, kDay0);
  }
  Visit visit{"visit",
              {{"en", "Bench"}},
              "official_visit",
              "BY",
              "KG",
              std::chrono::floor<std::chrono::days>(kDay0),
              std::chrono::floor<std::chrono::days>(kDay0) + std::chrono::days(365),
              "Europe/Minsk",
              "planned",
              1};
  evolve(s, kTopic, "concord.scheduling.visit.planned", {{"visit", to_json(visit)}}, kDay0);
  for (int i = 0; i < n; ++i) {
    Meeting m;
    m.id = "meeting-" + std::to_string(i);
    m.visit_id = "visit";
    m.title = {{"en", "Talks"}};
    m.kind = "expanded_format";
    m.start = kDay0 + std::chrono::hours(3) + (i / kVenues) * kSlot;
    m.end = m.start + std::chrono::minutes(30);
    m.venue_id = "venue-" + std::to_string(i % kVenues);
    m.time_zone = "Europe/Minsk";
    for (int j = 0; j < kPerMeeting; ++j) m.participants.push_back(member_id((i * kPerMeeting + j) % kMembers));
    m.status = "scheduled";
    m.version = 1;
    evolve(s, kTopic, "concord.scheduling.meeting.scheduled", {{"meeting", to_json(m)}}, kDay0);
  }
  return s;
}

// The same clashes by looking at every meeting: what the indexes save.
size_t full_scan(const State& s, const Draft& d) {
  size_t found = 0;
  for (const auto& [id, m] : s.meetings) {
    if (m.status != "scheduled") continue;
    if (m.venue_id == d.venue_id && d.start < m.end + std::chrono::minutes(10) &&
        m.start < d.end + std::chrono::minutes(10))
      ++found;
    for (const auto& p : d.participants)
      for (const auto& q : m.participants)
        if (p == q && d.start < m.end && m.start < d.end) ++found;
  }
  return found;
}

void conflict_check_figures() {
  std::printf("Conflict check (find_conflicts: dates, venue+buffer, %d participants, capacity, members, format)\n",
              kPerMeeting);
  std::printf("%10s %14s %18s %16s %18s %12s\n", "meetings", "free µs/check", "clashing µs/check", "conflicts/check",
              "full scan µs/check", "scan/free");
  double first = 0, last = 0;
  for (int n : {1000, 10000, 100000}) {
    State s = schedule_of(n);
    std::mt19937 rng(7);
    int slots = n / kVenues;
    std::vector<Draft> drafts;
    for (int i = 0; i < 4096; ++i) {
      Draft d;
      d.visit_id = "visit";
      d.kind = "expanded_format";
      d.start = kDay0 + std::chrono::hours(3) +
                std::uniform_int_distribution<int>(0, slots * 45)(rng) * std::chrono::minutes(1);
      d.end = d.start + std::chrono::minutes(30);
      d.venue_id = "venue-" + std::to_string(std::uniform_int_distribution<int>(0, kVenues - 1)(rng));
      for (int j = 0; j < kPerMeeting; ++j)
        d.participants.push_back(member_id(std::uniform_int_distribution<int>(0, kMembers - 1)(rng)));
      drafts.push_back(std::move(d));
    }
    // The same people and venues, at times nobody is booked: a check that finds nothing.
    std::vector<Draft> free = drafts;
    for (size_t i = 0; i < free.size(); ++i) {
      free[i].start = kDay0 + std::chrono::hours(3) + (slots + 2) * kSlot + static_cast<int>(i % 64) * kSlot;
      free[i].end = free[i].start + std::chrono::minutes(30);
    }
    Rules rules;
    size_t conflicts = 0, none = 0;
    int iterations = 200000;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) none += find_conflicts(s, free[i % free.size()], rules).size();
    double free_us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / iterations;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) conflicts += find_conflicts(s, drafts[i % drafts.size()], rules).size();
    double indexed_us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / iterations;
    if (none != 0) std::printf("  (free drafts found %zu conflicts)\n", none);
    int scans = std::max(20, 2000000 / n);
    size_t found = 0;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < scans; ++i) found += full_scan(s, drafts[i % drafts.size()]);
    double scan_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / scans;
    if (first == 0) first = free_us;
    std::printf("%10d %14.2f %18.2f %16.2f %18.1f %12.0fx\n", n, free_us, indexed_us, double(conflicts) / iterations,
                scan_us, scan_us / free_us);
    last = free_us;
    if (found == 0) std::printf("  (the scan found nothing: drafts do not overlap)\n");
  }
  std::printf(
      "free check, 1k -> 100k meetings (100x more): %.1fx the time; goal: sub-linear, < 10 µs at 100k.\n"
      "A clashing check collects its conflicts as plain data; only a 409 renders them as JSON.\n\n",
      last / first);
}

Result<auth::Principal> bench_auth_placeholder(std::optional<std::string_view>) {
  return fail(Error::unauthorized(""));
}

int programme_figures(int seconds) {
  auto dir = std::filesystem::temp_directory_path() / ("concord-scheduling-bench-" + new_uuid_v7());
  auto opened = events::open_file_log({dir});
  if (!opened) {
    std::fprintf(stderr, "cannot open the file log: %s\n", opened.error().detail.c_str());
    return 1;
  }
  std::shared_ptr<events::EventLog> log(std::move(*opened));
  (void)log->ensure_topics({{"concord.scheduling.v1"}, {"concord.scheduling.private.v1"}, {"concord.delegations.v1"}});
  SystemClock clock;
  UuidV7Generator ids(clock);
  auto cache = cache::make_memory_cache(clock);
  Env env = Env::from_map({});
  service::ServiceContext context{"scheduling", log, *cache, clock, ids, env};
  auto service = make_service(context);
  http::Router router;
  service->mount(router);
  if (!service->recover()) return 1;
  service->start();

  auth::JwtConfig jwt{.algorithm = auth::Algorithm::hs256, .hs256_secret = std::string(48, 'k')};
  auto verifier = std::make_shared<auth::CachedVerifier>(*auth::Verifier::create(jwt));
  auto token =
      *auth::mint(jwt, {.subject = "officer", .roles = {auth::Role::protocol_officer}, .issued_at = clock.now()});
  int threads = 2;
  http::Server server(
      http::ServerOptions{.service = "scheduling", .address = "127.0.0.1:0", .threads = threads, .access_log = false},
      std::move(router));
  server.set_authenticator([&](std::optional<std::string_view> h) { return verifier->authenticate(h, clock.now()); });
  server.set_idempotency_store(cache.get());
  if (!server.start()) return 1;
  (void)bench_auth_placeholder;

  std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  auto call = [&](http::Method m, const std::string& path, const json& body) {
    http::Headers h;
    h.set("Authorization", "Bearer " + token);
    h.set("Content-Type", "application/json");
    auto r = http::fetch({.method = m, .url = base + path, .headers = h, .body = body.is_null() ? "" : body.dump()});
    return r ? json::parse(r->body, nullptr, false) : json();
  };
  auto visit = call(http::Method::post, "/v1/visits",
                    {{"title", {{"en", "Official visit to Minsk"}}},
                     {"kind", "official_visit"},
                     {"host_country", "BY"},
                     {"guest_country", "KG"},
                     {"starts_on", "2025-09-28"},
                     {"ends_on", "2025-09-30"},
                     {"time_zone", "Europe/Minsk"}});
  std::string visit_id = visit["id"];
  auto venue = call(http::Method::post, "/v1/venues",
                    {{"name", "Palace of Independence"},
                     {"city", "Minsk"},
                     {"time_zone", "Europe/Minsk"},
                     {"capacity", 40},
                     {"buffer_minutes", 15}});
  std::string host = new_uuid_v7(), guest = new_uuid_v7();
  std::vector<std::string> members;
  for (int i = 0; i < 12; ++i) members.push_back(new_uuid_v7());
  auto append = [&](const dlg::Made& m) {
    events::Event e{.id = new_uuid_v7(),
                    .source = "/concord/delegations",
                    .type = m.type,
                    .subject = m.subject,
                    .time = clock.now(),
                    .sequence = m.sequence,
                    .data = m.data};
    (void)log->append("concord.delegations.v1", m.key, {e});
  };
  append(dlg::delegation_registered(host, visit_id, "host", members[0], "BY"));
  append(dlg::delegation_registered(guest, visit_id, "guest", members[1], "KG"));
  for (int i = 0; i < 12; ++i)
    append(dlg::member_added({members[i], i % 2 ? guest : host, visit_id, "Member " + std::to_string(i),
                              i < 2 ? "head_of_state" : "minister", i < 2}));
  // 18 meetings over the three days: 6 a day, 4 participants each.
  int booked = 0;
  for (int attempt = 0; attempt < 200 && booked < 18; ++attempt) {
    int day = booked / 6, slot = booked % 6;
    char start[32], end[32];
    std::snprintf(start, sizeof start, "2025-09-%02dT%02d:00:00+03:00", 28 + day, 9 + slot * 2);
    std::snprintf(end, sizeof end, "2025-09-%02dT%02d:30:00+03:00", 28 + day, 10 + slot * 2);
    json who = {members[0], members[1], members[2 + (booked % 5) * 2], members[3 + (booked % 5) * 2]};
    auto r = call(http::Method::post, "/v1/visits/" + visit_id + "/meetings",
                  {{"title", {{"en", "Talks " + std::to_string(booked)}, {"ru", "Переговоры"}}},
                   {"kind", "expanded_format"},
                   {"start", start},
                   {"end", end},
                   {"venue_id", venue["id"]},
                   {"participants", who},
                   {"interpretation", {"ru", "ky"}}});
    if (r.contains("id"))
      ++booked;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the members view is still catching up
  }
  std::string path = "/v1/visits/" + visit_id + "/programme?tz=Asia/Bishkek";
  auto programme = http::fetch({.url = base + path, .headers = [&] {
                                  http::Headers h;
                                  h.set("Authorization", "Bearer " + token);
                                  return h;
                                }()});
  if (!programme || programme->status != 200) return 1;
  std::string body = programme->body;
  concord::bench::BareBeastServer bare(threads, [&](const std::string&) { return body; });
  log::set_sink_for_testing([](std::string_view) {});

  const std::string auth_header = "Authorization: Bearer " + token;
  auto run = [&](unsigned short port) {
    return concord::bench::run_wrk({.url = "http://127.0.0.1:" + std::to_string(port) + path,
                                    .headers = {auth_header},
                                    .connections = 16,
                                    .threads = 1,
                                    .seconds = seconds});
  };
  (void)concord::bench::run_wrk({.url = "http://127.0.0.1:" + std::to_string(bare.port()) + path, .seconds = 1});
  auto b = run(bare.port());
  auto c = run(server.port());
  if (!b || !c) return 1;
  std::printf(
      "GET /v1/visits/{id}/programme?tz=Asia/Bishkek: %d meetings, %zu-byte body, %d server threads, "
      "wrk 1 thread 16 connections %d s, loopback\n",
      booked, body.size(), threads, seconds);
  std::printf("%-44s %12s %10s %10s %8s\n", "server", "requests/s", "p50 ms", "p99 ms", "non-2xx");
  concord::bench::print_row("bare Beast (same body)", *b);
  concord::bench::print_row("concord-scheduling (JWT, router, service)", *c);
  std::printf("ratio scheduling/bare requests/s: %.2f; goal >= 0.50\n",
              c->requests_per_second / b->requests_per_second);
  server.stop();
  service->stop();
  service.reset();
  log.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
  conflict_check_figures();
  if (argc > 2 && std::string_view(argv[2]) == "conflicts-only") return 0;
  return programme_figures(seconds);
}
