// The cost of Concord's HTTP stack (router, middleware, authentication, metrics, access log)
// against a bare Beast server, measured in the same run with wrk on loopback. Prints figures
// and ratios; passes or fails on nothing. Goal: the stack costs at most 20% of throughput.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

#include "bare_beast.hpp"
#include "concord/auth/cached_verifier.hpp"
#include "concord/core/log.hpp"
#include "concord/http/server.hpp"
#include "wrk_load.hpp"

using namespace concord;

constexpr int kRounds = 3;

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 3;
  int threads = 2;
  const std::string body = R"({"status":"ok","service":"bench"})";

  auth::JwtConfig jwt{.algorithm = auth::Algorithm::hs256, .hs256_secret = std::string(48, 'k')};
  auto plain_verifier = auth::Verifier::create(jwt);
  auto token = auth::mint(
      jwt, {.subject = "officer", .roles = {auth::Role::protocol_officer}, .issued_at = SystemClock{}.now()});
  if (!plain_verifier || !token) {
    std::fprintf(stderr, "cannot set up JWT\n");
    return 1;
  }
  auto verifier = std::make_shared<auth::CachedVerifier>(*plain_verifier);
  SystemClock clock;
  auto make_stack = [&](bool access_log) {
    http::Router router;
    router.get("/v1/ping", [&](http::Request&) -> Result<http::Response> {
      return http::Response::text(200, body, "application/json");
    });
    auto server = std::make_unique<http::Server>(
        http::ServerOptions{.service = "bench", .address = "127.0.0.1:0", .threads = threads, .access_log = access_log},
        std::move(router));
    server->set_authenticator(
        [&](std::optional<std::string_view> h) { return verifier->authenticate(h, clock.now()); });
    if (!server->start()) std::exit(1);
    return server;
  };
  // Access log lines are formatted as in production and then dropped, so the figure includes
  // their cost but not the terminal's.
  log::set_sink_for_testing([](std::string_view) {});

  concord::bench::BareBeastServer bare(threads, [&](const std::string&) { return body; });
  auto stack_quiet = make_stack(false);
  auto stack_logged = make_stack(true);
  const std::string auth_header = "Authorization: Bearer " + *token;

  auto run = [&](unsigned short port) {
    return concord::bench::run_wrk({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/ping",
                                    .headers = {auth_header},
                                    .connections = 16,
                                    .threads = 1,
                                    .seconds = seconds});
  };
  // Warm all three (branch predictors, allocator arenas), then measure in rounds, each server
  // in a different position every round: wrk shares the two cores with the servers, and
  // whichever ran last was found slower. Each server's median round is reported.
  for (auto port : {bare.port(), stack_quiet->port(), stack_logged->port()})
    (void)concord::bench::run_wrk({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/ping", .seconds = 1});
  const unsigned short ports[3] = {bare.port(), stack_quiet->port(), stack_logged->port()};
  std::vector<concord::bench::LoadFigures> rounds[3];
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < 3; ++i) {
      int server = (i + round) % 3;
      auto figures = run(ports[server]);
      if (!figures) return 1;
      rounds[server].push_back(*figures);
    }
  }
  auto median = [](std::vector<concord::bench::LoadFigures> v) {
    std::sort(v.begin(), v.end(),
              [](const auto& a, const auto& b) { return a.requests_per_second < b.requests_per_second; });
    return v[v.size() / 2];
  };
  auto b = std::optional(median(rounds[0]));
  auto q = std::optional(median(rounds[1]));
  auto l = std::optional(median(rounds[2]));
  std::printf(
      "HTTP stack vs bare Beast: GET /v1/ping, %d server threads, wrk 1 thread 16 connections, loopback; median of %d "
      "rounds of %d s each, the order rotated\n",
      threads, kRounds, seconds);
  std::printf("%-44s %12s %10s %10s %8s\n", "server", "requests/s", "p50 ms", "p99 ms", "non-2xx");
  concord::bench::print_row("bare Beast", *b);
  concord::bench::print_row("concord stack (auth, metrics; no access log)", *q);
  concord::bench::print_row("concord stack (auth, metrics, access log)", *l);
  std::printf("ratio stack/bare requests/s: %.2f (no access log), %.2f (access log)\n",
              q->requests_per_second / b->requests_per_second, l->requests_per_second / b->requests_per_second);
  std::printf("stack overhead: %.1f%% (no access log), %.1f%% (access log); goal <= 20%%\n",
              100.0 * (1 - q->requests_per_second / b->requests_per_second),
              100.0 * (1 - l->requests_per_second / b->requests_per_second));
  stack_quiet->stop();
  stack_logged->stop();
  return 0;
}
