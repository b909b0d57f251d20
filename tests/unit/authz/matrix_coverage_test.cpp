// The authorization matrix (docs/authorization.md) has a row for every route the four services
// mount: each service is built as `concord serve` builds it (file log in a temporary directory,
// memory cache), its routes listed from its router, and every row's method and path matched
// against them. A route added without a row fails here, before anyone has to notice it is
// missing from the e2e matrix run (tests/e2e/authz_matrix.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "concord/cache/memory_cache.hpp"
#include "concord/core/config.hpp"
#include "concord/core/id.hpp"
#include "concord/delegations/service.hpp"
#include "concord/documents/service.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/router.hpp"
#include "concord/notifications/service.hpp"
#include "concord/scheduling/service.hpp"

using namespace concord;

namespace {

struct Row {
  std::string service;
  std::string method;
  std::string path;  // without the query
};

std::string trim(std::string s) {
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<Row> matrix_rows() {
  std::ifstream in(std::string(CONCORD_SOURCE_DIR) + "/docs/authorization.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  auto begin = all.find("<!-- authz-matrix: begin -->");
  auto end = all.find("<!-- authz-matrix: end -->");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  std::vector<Row> rows;
  std::stringstream block(all.substr(begin, end - begin));
  std::string line;
  int n = 0;
  while (std::getline(block, line)) {
    if (!line.starts_with("|")) continue;
    if (n++ < 2) continue;  // header and rule
    std::vector<std::string> cells;
    std::stringstream cs(line.substr(1));
    std::string cell;
    while (std::getline(cs, cell, '|')) cells.push_back(trim(cell));
    if (cells.size() < 3) continue;
    std::string path = cells[2];
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    rows.push_back({cells[0], cells[1], path});
  }
  return rows;
}

std::optional<http::Method> method_of(const std::string& name) {
  static const std::map<std::string, http::Method> methods = {{"GET", http::Method::get},
                                                              {"POST", http::Method::post},
                                                              {"PUT", http::Method::put},
                                                              {"PATCH", http::Method::patch},
                                                              {"DELETE", http::Method::del}};
  auto it = methods.find(name);
  if (it == methods.end()) return std::nullopt;
  return it->second;
}

std::string name_of(http::Method m) {
  switch (m) {
    case http::Method::get:
      return "GET";
    case http::Method::post:
      return "POST";
    case http::Method::put:
      return "PUT";
    case http::Method::patch:
      return "PATCH";
    case http::Method::del:
      return "DELETE";
    default:
      return "OTHER";
  }
}

class MatrixCoverage : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("concord-matrix-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    env_ = Env::from_map({{"CONCORD_DATA_DIR", dir_.string()}});
    auto log = events::open_file_log({dir_ / "log"});
    if (!log) throw std::runtime_error(log.error().detail);
    log_ = std::shared_ptr<events::EventLog>(std::move(*log));
    cache_ = cache::make_memory_cache(clock_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // The routes `factory`'s service mounts, as its host serves them.
  std::vector<http::Route> routes_of(const std::string& name, const service::ServiceFactory& factory) {
    service::ServiceContext context{name, log_, *cache_, clock_, ids_, env_};
    auto service = factory(context);
    http::Router router;
    service->mount(router);
    auto routes = router.routes();
    service->stop();
    return routes;
  }

  std::filesystem::path dir_;
  Env env_ = Env::from_map({});
  std::shared_ptr<events::EventLog> log_;
  ManualClock clock_{Timestamp{std::chrono::milliseconds{1'759'050'000'000}}};
  SequentialIdGenerator ids_;
  std::unique_ptr<cache::Cache> cache_;
};

}  // namespace

TEST_F(MatrixCoverage, every_route_of_every_service_has_a_row_in_the_authorization_matrix) {
  auto rows = matrix_rows();
  ASSERT_GT(rows.size(), 50u);
  const std::vector<std::pair<std::string, service::ServiceFactory>> services = {
      {"scheduling", scheduling::make_service},
      {"delegations", delegations::make_service},
      {"documents", documents::make_service},
      {"notifications", notifications::make_service}};
  size_t checked = 0;
  for (const auto& [name, factory] : services) {
    auto routes = routes_of(name, factory);
    ASSERT_FALSE(routes.empty()) << name;
    http::Router router;
    for (const auto& r : routes) router.add(r.method, r.pattern, r.handler, r.options);
    std::set<std::string> covered;
    for (const auto& row : rows) {
      if (row.service != name) continue;
      auto method = method_of(row.method);
      ASSERT_TRUE(method) << "the matrix row " << row.method << " " << row.path << " names no HTTP method";
      auto matched = router.match(*method, row.path);
      const auto* found = std::get_if<http::RouteMatch>(&matched);
      EXPECT_TRUE(found) << "the matrix row " << name << " " << row.method << " " << row.path
                         << " matches no route the service mounts";
      if (found) covered.insert(row.method + " " + found->route->pattern);
    }
    for (const auto& r : routes) {
      ++checked;
      EXPECT_TRUE(covered.contains(name_of(r.method) + " " + r.pattern))
          << name << " mounts " << name_of(r.method) << " " << r.pattern
          << " but docs/authorization.md has no row for it: add one (every caller column)";
    }
  }
  EXPECT_GT(checked, 60u);
}
