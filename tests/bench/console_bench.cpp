// concord-console serving its largest hashed asset (brotli, as a browser asks for it) against a
// bare Beast server answering the same bytes, measured with wrk in rotated rounds on loopback.
// Prints figures and the ratio; passes or fails on nothing.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

#include "bare_beast.hpp"
#include "concord/console/assets.hpp"
#include "concord/console/console.hpp"
#include "concord/core/log.hpp"
#include "concord/http/server.hpp"
#include "wrk_load.hpp"

using namespace concord;

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 3;
  const int threads = 2;
  const console::Asset* largest = nullptr;
  for (const auto& a : console::embedded_assets())
    if (a.path.starts_with("/assets/") && (!largest || a.identity.size() > largest->identity.size())) largest = &a;
  if (!largest || largest->brotli.empty()) {
    std::fprintf(stderr, "console_bench: no compressed asset embedded\n");
    return 1;
  }
  const std::string bytes(largest->brotli);
  log::set_sink_for_testing([](std::string_view) {});

  concord::bench::BareBeastServer bare(threads, [&](const std::string&) { return bytes; });
  http::Router router;
  console::mount_assets(router, console::embedded_assets());
  http::Server server(
      http::ServerOptions{.service = "console", .address = "127.0.0.1:0", .threads = threads, .access_log = false},
      console::with_security_headers(router));
  if (!server.start()) return 1;

  const std::string path(largest->path);
  auto run = [&](unsigned short port, int secs) {
    return concord::bench::run_wrk({.url = "http://127.0.0.1:" + std::to_string(port) + path,
                                    .headers = {"Accept-Encoding: gzip, deflate, br"},
                                    .connections = 16,
                                    .threads = 1,
                                    .seconds = secs});
  };
  (void)run(bare.port(), 1);
  (void)run(server.port(), 1);
  std::vector<concord::bench::LoadFigures> rounds[2];
  const unsigned short ports[2] = {bare.port(), server.port()};
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 2; ++i) {
      int which = (i + round) % 2;
      auto figures = run(ports[which], seconds);
      if (!figures) return 1;
      rounds[which].push_back(*figures);
    }
  auto median = [](std::vector<concord::bench::LoadFigures> v) {
    std::sort(v.begin(), v.end(),
              [](const auto& a, const auto& b) { return a.requests_per_second < b.requests_per_second; });
    return v[v.size() / 2];
  };
  auto b = median(rounds[0]);
  auto c = median(rounds[1]);
  std::printf(
      "console asset vs bare Beast: GET %s (%zu bytes brotli), %d server threads, wrk 1 thread 16 connections; "
      "median of 3 rounds of %d s\n",
      path.c_str(), bytes.size(), threads, seconds);
  std::printf("%-44s %12s %10s %10s %8s\n", "server", "requests/s", "p50 ms", "p99 ms", "non-2xx");
  concord::bench::print_row("bare Beast (same bytes)", b);
  concord::bench::print_row("concord-console (headers, negotiation)", c);
  std::printf("ratio console/bare requests/s: %.2f\n", c.requests_per_second / b.requests_per_second);
  server.stop();
  return 0;
}
