#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "concord/core/log.hpp"

using namespace concord;

TEST(Log, one_json_object_a_line_with_the_correlation_id) {
  std::vector<std::string> lines;
  log::set_sink_for_testing([&](std::string_view l) { lines.emplace_back(l); });
  {
    log::CorrelationScope scope("req-42");
    log::info("meeting booked", {{"meeting_id", "m1"}});
  }
  log::info("outside");
  log::debug("hidden at info level");
  log::set_sink_for_testing(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["msg"], "meeting booked");
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["correlation_id"], "req-42");
  EXPECT_EQ(first["meeting_id"], "m1");
  EXPECT_TRUE(first.contains("ts"));
  EXPECT_FALSE(nlohmann::json::parse(lines[1]).contains("correlation_id"));
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
}

TEST(Log, the_access_line_is_the_object_info_would_write_whatever_the_path_holds) {
  std::vector<std::string> lines;
  log::set_sink_for_testing([&](std::string_view l) { lines.emplace_back(l); });
  const std::string path = "/v1/\"x\"\\y\n\x01/Минск/\xff\xc0\xaf/\xed\xa0\x80/end";
  {
    log::CorrelationScope scope("req-\"7\"");
    log::access({.method = "GET",
                 .path = path,
                 .route = "/v1/{id}",
                 .status = 404,
                 .duration_ms = 0.125,
                 .remote = "127.0.0.1"});
    log::info("request", {{"method", "GET"},
                          {"path", path},
                          {"route", "/v1/{id}"},
                          {"status", 404},
                          {"duration_ms", 0.125},
                          {"remote", "127.0.0.1"}});
  }
  log::set_sink_for_testing(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  auto fast = nlohmann::json::parse(lines[0]);  // throws on anything that is not JSON
  auto reference = nlohmann::json::parse(lines[1]);
  fast.erase("ts");
  reference.erase("ts");
  EXPECT_EQ(fast, reference);
  EXPECT_EQ(fast["path"],
            "/v1/\"x\"\\y\n\x01/Минск/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd/end");
  EXPECT_EQ(fast["duration_ms"], 0.125);
}

TEST(Log, the_access_line_is_not_written_above_info) {
  std::vector<std::string> lines;
  log::set_sink_for_testing([&](std::string_view l) { lines.emplace_back(l); });
  log::set_level(log::Level::warn);
  log::access({.method = "GET", .path = "/", .route = "/", .status = 200});
  log::set_level(log::Level::info);
  log::set_sink_for_testing(nullptr);
  EXPECT_TRUE(lines.empty());
}
