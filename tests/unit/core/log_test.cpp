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
