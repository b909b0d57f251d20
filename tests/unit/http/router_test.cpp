#include <gtest/gtest.h>

#include "concord/http/router.hpp"

using namespace concord;
using namespace concord::http;

namespace {
Handler ok() {
  return [](Request&) -> Result<Response> { return Response::no_content(); };
}
}  // namespace

TEST(Router, extracts_path_parameters) {
  Router r;
  r.get("/v1/meetings/{id}", ok()).post("/v1/meetings/{id}/cancel", ok());
  auto m = r.match(Method::post, "/v1/meetings/abc/cancel");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).params.at("id"), "abc");
  EXPECT_EQ(std::get<RouteMatch>(m).route->pattern, "/v1/meetings/{id}/cancel");
}

TEST(Router, unknown_path_is_no_such_path) {
  Router r;
  r.get("/v1/meetings/{id}", ok());
  EXPECT_TRUE(std::holds_alternative<NoSuchPath>(r.match(Method::get, "/v1/meetings")));
  EXPECT_TRUE(std::holds_alternative<NoSuchPath>(r.match(Method::get, "/v1/meetings/a/b")));
  EXPECT_TRUE(std::holds_alternative<NoSuchPath>(r.match(Method::get, "/v1/meetings/")));
}

TEST(Router, wrong_method_lists_allowed_methods) {
  Router r;
  r.get("/v1/visits/{id}", ok()).patch("/v1/visits/{id}", ok());
  auto m = r.match(Method::del, "/v1/visits/x");
  ASSERT_TRUE(std::holds_alternative<WrongMethod>(m));
  EXPECT_EQ(std::get<WrongMethod>(m).allow, "GET, HEAD, PATCH");
}

TEST(Router, literal_segments_win_over_parameters) {
  Router r;
  r.get("/v1/visits/{id}", ok()).get("/v1/visits/export", ok());
  auto m = r.match(Method::get, "/v1/visits/export");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).route->pattern, "/v1/visits/export");
}

TEST(Router, head_is_served_by_get_routes) {
  Router r;
  r.get("/v1/venues", ok());
  EXPECT_TRUE(std::holds_alternative<RouteMatch>(r.match(Method::head, "/v1/venues")));
}

TEST(Router, registering_a_route_twice_is_a_bug) {
  Router r;
  r.get("/a", ok());
  EXPECT_THROW(r.get("/a", ok()), std::logic_error);
}

TEST(Router, a_rest_parameter_takes_the_remaining_segments) {
  Router r;
  r.get("/api/{rest...}", ok()).get("/api/scheduling/v1/visits", ok());
  auto m = r.match(Method::get, "/api/documents/v1/documents/x");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).params.at("rest"), "documents/v1/documents/x");
  auto literal = r.match(Method::get, "/api/scheduling/v1/visits");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(literal));
  EXPECT_EQ(std::get<RouteMatch>(literal).route->pattern, "/api/scheduling/v1/visits");
  EXPECT_TRUE(std::holds_alternative<NoSuchPath>(r.match(Method::get, "/api")));
  EXPECT_TRUE(std::holds_alternative<NoSuchPath>(r.match(Method::get, "/other/x")));
}
