// What a page of a long list costs, printed, never judged: 100k venues, a visit of 100k
// meetings and 10k calendar feeds over 100 visits (scheduling), a delegation of 10k members
// (delegations), served as `concord serve`
// serves them, on the file log. wrk on loopback measures GET …?limit=50 at the start, the middle
// and the end of each list beside a single-item GET. Goal (issue 13): every page within 2× of
// the single-item GET — keyset pages from ordered indexes, each item's JSON kept as bytes beside
// it, not lists built whole and then cut, nor rendered item by item on every request.
// What remains of a request's cost is printed too: the HTTP floor (an authenticated GET that
// answers 404, and /healthz with no token) and, in process, the JSON a page costs rendered item
// by item against one concatenated from kept bytes.
//
//   build/bench/list_bench [seconds per run, default 3]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "concord/auth/jwt.hpp"
#include "concord/core/log.hpp"
#include "concord/core/rendered_json.hpp"
#include "concord/core/time.hpp"
#include "concord/delegations/service.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/client.hpp"
#include "concord/scheduling/service.hpp"
#include "concord/service/api.hpp"
#include "concord/service/host.hpp"
#include "concord/service/platform.hpp"
#include "scheduling/domain/codec.hpp"
#include "wrk_load.hpp"

using namespace concord;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kVenues = 100'000;
constexpr int kMeetings = 100'000;
constexpr int kMembers = 10'000;
constexpr int kFeedVisits = 100;
constexpr int kFeeds = 10'000;  // spread over kFeedVisits visits, kVisit's among them
constexpr const char* kSecret = "list-bench-secret-0123456789abcdef0123";
const char* kVisit = "0190a5c4-0000-7000-8000-000000000001";

// Venues and a visit's meetings written straight to the log, as scheduling would have written
// them: the service then replays them at start.
void seed_scheduling(const fs::path& dir) {
  auto log = events::open_file_log({.directory = dir / "log"});
  if (!log || !(*log)->ensure_topics({{"concord.scheduling.v1"}, {"concord.scheduling.private.v1"}})) std::abort();
  SystemClock clock;
  UuidV7Generator ids(clock);
  service::api::EventFactory factory("scheduling", clock, ids);
  service::api::Cause cause{"bench", "bench", "bench"};
  std::vector<events::Append> batch;
  auto flush = [&] {
    if (!(*log)->append_all(batch)) std::abort();
    batch.clear();
  };
  Timestamp day0 = *parse_rfc3339("2027-03-01T00:00:00Z");
  scheduling::Visit visit{kVisit,
                          {{"en", "Bench visit"}},
                          "official_visit",
                          "BY",
                          "KG",
                          std::chrono::floor<std::chrono::days>(day0),
                          std::chrono::floor<std::chrono::days>(day0) + std::chrono::days(3650),
                          "Europe/Minsk",
                          "planned",
                          1};
  batch.push_back({"concord.scheduling.v1",
                   kVisit,
                   {factory.make("concord.scheduling.visit.planned", std::string("visit/") + kVisit, 1,
                                 {{"visit", scheduling::to_json(visit)}}, cause)}});
  std::string first_venue;
  for (int i = 0; i < kVenues; ++i) {
    scheduling::Venue v{ids.next(), "Hall " + std::to_string(i), "Minsk", "", "Europe/Minsk", 100, 0, 1};
    if (first_venue.empty()) first_venue = v.id;
    batch.push_back({"concord.scheduling.v1",
                     v.id,
                     {factory.make("concord.scheduling.venue.created", "venue/" + v.id, 1,
                                   {{"venue", scheduling::to_json(v)}}, cause)}});
    if (batch.size() == 5000) flush();
  }
  for (int i = 0; i < kMeetings; ++i) {
    scheduling::Meeting m;
    m.id = ids.next();
    m.visit_id = kVisit;
    m.title = {{"en", "Talks " + std::to_string(i)}};
    m.kind = "bilateral_meeting";
    // Out of creation order on purpose: the list is by start.
    m.start = day0 + std::chrono::hours(((i * 7919) % kMeetings));
    m.end = m.start + std::chrono::minutes(30);
    m.time_zone = "Europe/Minsk";
    m.status = "scheduled";
    m.version = 1;
    batch.push_back({"concord.scheduling.v1",
                     kVisit,
                     {factory.make("concord.scheduling.meeting.scheduled", "meeting/" + m.id, 1,
                                   {{"meeting", scheduling::to_json(m)}}, cause)}});
    if (batch.size() == 5000) flush();
  }
  // Calendar feeds, one visit's among every visit's: a visit's list is its own index.
  std::vector<std::string> feed_visits = {kVisit};
  for (int i = 1; i < kFeedVisits; ++i) {
    scheduling::Visit other = visit;
    other.id = ids.next();
    feed_visits.push_back(other.id);
    batch.push_back({"concord.scheduling.v1",
                     other.id,
                     {factory.make("concord.scheduling.visit.planned", "visit/" + other.id, 1,
                                   {{"visit", scheduling::to_json(other)}}, cause)}});
  }
  for (int i = 0; i < kFeeds; ++i) {
    scheduling::Feed f;
    f.id = ids.next();
    f.visit_id = feed_visits[i % kFeedVisits];
    f.created_by = "officer";
    char hash[65];
    std::snprintf(hash, sizeof hash, "%064x", i);  // unique; never served in this benchmark
    f.secret_sha256 = hash;
    f.status = "active";
    f.version = 1;
    batch.push_back({"concord.scheduling.private.v1",
                     f.visit_id,
                     {factory.make("concord.scheduling.feed.created", "feed/" + f.id, 1,
                                   {{"feed", scheduling::to_json(f)}}, cause)}});
    if (batch.size() == 5000) flush();
  }
  flush();
}

struct Served {
  std::unique_ptr<service::Platform> platform;
  std::vector<std::unique_ptr<service::Host>> hosts;
  std::string token;
};

std::string base_of(const service::Host& h) {
  return "http://127.0.0.1:" + std::to_string(h.port());
}

Result<http::ClientResponse> call(http::Method method, const std::string& url, const std::string& token,
                                  const json& body = nullptr) {
  http::ClientRequest r{.method = method, .url = url};
  r.headers.set("Authorization", "Bearer " + token);
  if (!body.is_null()) {
    r.headers.set("Content-Type", "application/json");
    r.body = body.dump();
  }
  r.timeout = std::chrono::seconds(60);
  r.max_response_body = 64 << 20;
  return http::fetch(r);
}

// Follows next_cursor through the whole list (200 a page) and returns the cursors of the pages
// in the middle and at the end.
std::pair<std::string, std::string> middle_and_end(const std::string& url, const std::string& token) {
  std::vector<std::string> cursors;
  std::string cursor;
  for (;;) {
    auto page = call(http::Method::get, url + "?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
    if (!page || page->status != 200) std::abort();
    auto next = json::parse(page->body)["next_cursor"];
    if (next.is_null()) break;
    cursor = next.get<std::string>();
    cursors.push_back(cursor);
  }
  if (cursors.empty()) return {"", ""};
  return {cursors[cursors.size() / 2], cursors.back()};
}

// Microseconds per call of f, over enough calls to take about a fifth of a second.
template <class F>
double micros_per_call(F&& f) {
  using clock = std::chrono::steady_clock;
  long long calls = 0;
  auto start = clock::now();
  while (clock::now() - start < std::chrono::milliseconds(200))
    for (int i = 0; i < 100; ++i, ++calls) f();
  return std::chrono::duration<double, std::micro>(clock::now() - start).count() / static_cast<double>(calls);
}

// The JSON a page of 50 costs in process, with no HTTP: rendered item by item (as before issue
// 13) against concatenated from the bytes kept beside each item. Meetings carry their local
// times, as the API renders them.
void print_json_costs() {
  std::map<std::string, scheduling::Venue> venues;
  std::map<std::string, scheduling::Meeting> meetings;
  SystemClock clock;
  UuidV7Generator ids(clock);
  Timestamp day0 = *parse_rfc3339("2027-03-01T00:00:00Z");
  for (int i = 0; i < 1000; ++i) {
    scheduling::Venue v{ids.next(), "Hall " + std::to_string(i), "Minsk", "", "Europe/Minsk", 100, 0, 1};
    venues.emplace(v.id, v);
    scheduling::Meeting m;
    m.id = ids.next();
    m.visit_id = kVisit;
    m.title = {{"en", "Talks " + std::to_string(i)}};
    m.kind = "bilateral_meeting";
    m.start = day0 + std::chrono::hours(i);
    m.end = m.start + std::chrono::minutes(30);
    m.time_zone = "Europe/Minsk";
    m.status = "scheduled";
    m.version = 1;
    meetings.emplace(m.id, m);
  }
  auto meeting_json = [](const scheduling::Meeting& m) {
    json j = scheduling::to_json(m);
    if (auto l = to_local(m.start, m.time_zone)) j["start_local"] = l->rfc3339;
    if (auto l = to_local(m.end, m.time_zone)) j["end_local"] = l->rfc3339;
    return j;
  };
  service::api::Page page;
  auto report = [&](const char* name, const auto& index, auto render) {
    const auto& one = index.begin()->second;
    double single = micros_per_call([&] { (void)json_bytes(render(one)); });
    double whole = micros_per_call([&] {
      (void)json_bytes(service::api::keyset_page(index, page, service::api::keep_all,
                                                 [&](const auto& entry) { return render(entry.second); }));
    });
    double kept = micros_per_call([&] {
      (void)service::api::keyset_page_bytes(index, page, service::api::keep_all,
                                            [&](const auto& entry) -> const std::string& {
                                              return entry.second.rendered.get([&] { return render(entry.second); });
                                            });
    });
    std::printf("%-44s %12.1f %16.1f %16.1f\n", name, single, whole, kept);
  };
  std::printf("\nJSON in process, no HTTP (microseconds)\n");
  std::printf("%-44s %12s %16s %16s\n", "", "one item", "page of 50 whole", "page of 50 kept");
  report("venues", venues, [](const scheduling::Venue& v) { return scheduling::to_json(v); });
  report("meetings (with local times)", meetings, meeting_json);
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  log::set_level(log::Level::warn);
  auto dir = fs::temp_directory_path() / ("concord-list-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto started = std::chrono::steady_clock::now();
  seed_scheduling(dir);
  Env env = Env::from_map({{"CONCORD_DATA_DIR", dir.string()},
                           {"CONCORD_JWT_SECRET", kSecret},
                           {"CONCORD_ACCESS_LOG", "false"},
                           {"CONCORD_SCHEDULING_ADDR", "127.0.0.1:0"},
                           {"CONCORD_DELEGATIONS_ADDR", "127.0.0.1:0"}});
  Served s;
  auto platform = service::Platform::from_env(env);
  if (!platform) return 1;
  s.platform = std::move(*platform);
  for (const auto& spec : {scheduling::spec(), delegations::spec()}) {
    auto host = service::Host::create(*s.platform, spec, env);
    if (!host) {
      std::fprintf(stderr, "%s: %s\n", spec.name.c_str(), host.error().detail.c_str());
      return 1;
    }
    s.hosts.push_back(std::move(*host));
  }
  for (const auto& h : s.hosts)
    for (int i = 0; i < 1200; ++i) {
      auto ready = http::fetch({.url = base_of(*h) + "/readyz"});
      if (ready && ready->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  auto jwt = auth::jwt_config_from_env(env, dir.string());
  s.token = *auth::mint(
      *jwt, {.subject = "officer", .roles = {auth::Role::protocol_officer}, .issued_at = s.platform->clock().now()});
  std::string sched = base_of(*s.hosts[0]), dlg = base_of(*s.hosts[1]);

  // 10k members of one delegation, through the API (concurrent writers: grouped commits).
  auto d = call(http::Method::post, dlg + "/v1/delegations", s.token,
                {{"visit_id", kVisit}, {"country", "KG"}, {"side", "guest"}, {"name", {{"en", "Kyrgyz Republic"}}}});
  if (!d || d->status != 201) {
    std::fprintf(stderr, "registering the delegation failed: %s\n", d ? d->body.c_str() : d.error().detail.c_str());
    return 1;
  }
  std::string delegation = json::parse(d->body)["id"];
  std::vector<std::thread> writers;
  std::atomic<int> added{0};
  static const char* ranks[] = {"minister", "deputy_minister", "ambassador", "expert", "official"};
  for (int t = 0; t < 16; ++t)
    writers.emplace_back([&, t] {
      for (int i = t; i < kMembers; i += 16) {
        auto r = call(http::Method::post, dlg + "/v1/delegations/" + delegation + "/members", s.token,
                      {{"full_name", {{"en", "Member " + std::to_string(i)}}},
                       {"position", {{"en", "Adviser"}}},
                       {"rank", ranks[i % 5]},
                       {"languages", {"ru"}},
                       {"time_zone", "Asia/Bishkek"}});
        if (r && r->status == 201) ++added;
      }
    });
  for (auto& w : writers) w.join();
  std::printf("seeded %d venues, %d meetings, %d members in %.1f s\n", kVenues, kMeetings, added.load(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  auto venues = call(http::Method::get, sched + "/v1/venues?limit=1", s.token);
  std::string venue = json::parse(venues->body)["items"][0]["id"];
  auto members = call(http::Method::get, dlg + "/v1/delegations/" + delegation + "/members?limit=1", s.token);
  std::string member = json::parse(members->body)["items"][0]["id"];

  struct List {
    std::string name, single, list;
  };
  std::vector<List> lists = {
      {"venues (100k)", sched + "/v1/venues/" + venue, sched + "/v1/venues"},
      {"meetings of a visit (100k)",
       sched + "/v1/meetings/" +
           json::parse(call(http::Method::get, sched + "/v1/visits/" + kVisit + "/meetings?limit=1", s.token)
                           ->body)["items"][0]["id"]
               .get<std::string>(),
       sched + "/v1/visits/" + kVisit + "/meetings"},
      {"roster (10k members)", dlg + "/v1/members/" + member, dlg + "/v1/delegations/" + delegation + "/members"},
      // A feed has no GET of its own: beside the visit's, as the single item.
      {"feeds of a visit (10k over 100 visits)", sched + "/v1/visits/" + kVisit,
       sched + "/v1/visits/" + kVisit + "/calendar-feeds"},
  };
  std::string auth = "Authorization: Bearer " + s.token;
  auto load = [&](const std::string& url) {
    return bench::run_wrk({.url = url, .headers = {auth}, .connections = 4, .threads = 1, .seconds = seconds})
        .value_or(bench::LoadFigures{});
  };
  std::printf("\nGET through the whole HTTP stack, wrk 1 thread 4 connections %d s, loopback\n", seconds);
  std::printf("%-44s %12s %10s %10s %8s %14s\n", "request", "requests/s", "p50 ms", "p99 ms", "non-2xx",
              "p50 / single");
  for (const auto& l : lists) {
    auto [middle, end] = middle_and_end(l.list, s.token);
    auto single = load(l.single);
    bench::print_row(l.name + ": one item", single);
    for (auto [where, cursor] :
         {std::pair{"start", std::string()}, std::pair{"middle", middle}, std::pair{"end", end}}) {
      auto f = load(l.list + "?limit=50" + (cursor.empty() ? "" : "&cursor=" + cursor));
      std::printf("%-44s %12.0f %10.3f %10.3f %8lld %13.2fx\n", (l.name + ": page of 50, " + where).c_str(),
                  f.requests_per_second, f.p50_ms, f.p99_ms, f.non_2xx,
                  single.p50_ms > 0 ? f.p50_ms / single.p50_ms : 0);
    }
  }
  std::printf("goal: every page within 2x of the single-item GET\n");
  std::printf("\nThe HTTP floor, the same way\n");
  bench::print_row("authenticated GET answered 404", load(sched + "/v1/venues/0190a5c4-0000-7000-8000-0000000000ff"));
  bench::print_row("/healthz, no token", load(sched + "/healthz"));
  print_json_costs();
  for (auto& h : s.hosts) h->stop();
  s.hosts.clear();
  s.platform.reset();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return 0;
}
