#include <gtest/gtest.h>

#include "concord/core/metrics.hpp"

using namespace concord::metrics;

TEST(Metrics, renders_prometheus_text_with_labels_and_buckets) {
  Registry r;
  r.counter("http_requests_total", "Requests", {{"route", "/v1/x"}, {"status", "200"}}).inc();
  r.counter("http_requests_total", "Requests", {{"route", "/v1/x"}, {"status", "200"}}).inc(2);
  auto& h = r.histogram("latency_seconds", "Latency", {{"route", "/v1/x"}}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  r.gauge("lag", "Lag").set(3);
  auto text = r.render();
  EXPECT_NE(text.find("# TYPE http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/v1/x\",status=\"200\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/v1/x\",le=\"0.10000000000000001\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/v1/x\",le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"/v1/x\"} 3"), std::string::npos);
  EXPECT_NE(text.find("lag 3"), std::string::npos);
}

TEST(Metrics, label_values_are_escaped) {
  Registry r;
  r.counter("c", "help", {{"v", "a\"b\\c"}}).inc();
  EXPECT_NE(r.render().find("c{v=\"a\\\"b\\\\c\"} 1"), std::string::npos);
}

TEST(Metrics, one_name_cannot_be_two_types) {
  Registry r;
  r.counter("x", "h");
  EXPECT_THROW(r.gauge("x", "h"), std::logic_error);
}
