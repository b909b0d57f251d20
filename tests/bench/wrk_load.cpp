#include "wrk_load.hpp"

#include <cstdio>
#include <regex>

namespace concord::bench {
namespace {

double to_ms(double value, const std::string& unit) {
  if (unit == "us") return value / 1000.0;
  if (unit == "s") return value * 1000.0;
  return value;  // ms
}

}  // namespace

std::optional<LoadFigures> run_wrk(const LoadSpec& spec) {
  std::string cmd = "wrk --latency -t" + std::to_string(spec.threads) + " -c" + std::to_string(spec.connections) +
                    " -d" + std::to_string(spec.seconds) + "s";
  for (const auto& h : spec.headers) cmd += " -H '" + h + "'";
  if (!spec.script.empty()) cmd += " -s '" + spec.script + "'";
  cmd += " '" + spec.url + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (::pclose(pipe) != 0) {
    std::fprintf(stderr, "wrk failed:\n%s\n", out.c_str());
    return std::nullopt;
  }
  LoadFigures f;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) f.requests_per_second = std::stod(m[1]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+50%\s+([0-9.]+)(us|ms|s))")))
    f.p50_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+99%\s+([0-9.]+)(us|ms|s))")))
    f.p99_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses:\s+([0-9]+))"))) f.non_2xx = std::stoll(m[1]);
  return f;
}

void print_row(const std::string& name, const LoadFigures& f) {
  std::printf("%-44s %12.0f %10.3f %10.3f %8lld\n", name.c_str(), f.requests_per_second, f.p50_ms, f.p99_ms, f.non_2xx);
}

}  // namespace concord::bench
