#pragma once
// Drives a server with wrk (a separate process, loopback only, bounded duration) and reads its
// figures back.
#include <optional>
#include <string>
#include <vector>

namespace concord::bench {

struct LoadFigures {
  double requests_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long long non_2xx = 0;
};

struct LoadSpec {
  std::string url;
  std::vector<std::string> headers;
  int connections = 16;
  int threads = 1;
  int seconds = 5;
  std::string script;  // a wrk Lua script (e.g. setting method and body); none: GET
};

std::optional<LoadFigures> run_wrk(const LoadSpec& spec);
void print_row(const std::string& name, const LoadFigures& f);

}  // namespace concord::bench
