// Keyset pages: a cursor names the sort key of the last item given, so pages stay right while
// items are added, and a cursor nobody gave out is a 400.
#include <gtest/gtest.h>

#include <map>

#include "concord/core/rendered_json.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/service/api.hpp"

using namespace concord;
namespace api = concord::service::api;

namespace {

http::Request request(std::map<std::string, std::string> query) {
  http::Request r;
  r.query = std::move(query);
  return r;
}

std::string key(int n) {
  return SortKey().add(n).str();
}

std::vector<int> items(const nlohmann::json& page) {
  std::vector<int> out;
  for (const auto& i : page["items"]) out.push_back(i.get<int>());
  return out;
}

nlohmann::json page(const std::map<std::string, int>& index, std::map<std::string, std::string> query) {
  auto p = api::page_of(request(std::move(query)));
  EXPECT_TRUE(p) << p.error().detail;
  return api::keyset_page(index, *p, api::keep_all, [](const auto& e) { return e.second; });
}

}  // namespace

TEST(KeysetPage, pages_follow_each_other_to_the_end_and_the_last_has_no_cursor) {
  std::map<std::string, int> index;
  for (int i = 0; i < 7; ++i) index.emplace(key(i * 10), i * 10);
  auto first = page(index, {{"limit", "3"}});
  EXPECT_EQ(items(first), (std::vector<int>{0, 10, 20}));
  auto second = page(index, {{"limit", "3"}, {"cursor", first["next_cursor"]}});
  EXPECT_EQ(items(second), (std::vector<int>{30, 40, 50}));
  auto third = page(index, {{"limit", "3"}, {"cursor", second["next_cursor"]}});
  EXPECT_EQ(items(third), (std::vector<int>{60}));
  EXPECT_TRUE(third["next_cursor"].is_null());
}

TEST(KeysetPage, a_cursor_stays_right_while_items_are_added_before_and_after_it) {
  std::map<std::string, int> index;
  for (int i = 0; i < 6; ++i) index.emplace(key(i * 10), i * 10);
  auto first = page(index, {{"limit", "2"}});
  EXPECT_EQ(items(first), (std::vector<int>{0, 10}));
  index.emplace(key(5), 5);    // before the cursor: an offset would have repeated 10
  index.emplace(key(25), 25);  // after it: shows on the next page
  auto second = page(index, {{"limit", "2"}, {"cursor", first["next_cursor"]}});
  EXPECT_EQ(items(second), (std::vector<int>{20, 25}));
}

TEST(KeysetPage, items_the_filter_refuses_are_skipped_and_the_cursor_is_set_only_when_more_follow) {
  std::map<std::string, int> index;
  for (int i = 0; i < 10; ++i) index.emplace(key(i), i);
  auto p = api::page_of(request({{"limit", "2"}}));
  auto odd = [](const auto& e) { return e.second % 2 == 1; };
  auto render = [](const auto& e) { return e.second; };
  auto first = api::keyset_page(index, *p, odd, render);
  EXPECT_EQ(items(first), (std::vector<int>{1, 3}));
  p = api::page_of(request({{"limit", "3"}, {"cursor", first["next_cursor"]}}));
  auto last = api::keyset_page(index, *p, odd, render);
  EXPECT_EQ(items(last), (std::vector<int>{5, 7, 9}));
  EXPECT_TRUE(last["next_cursor"].is_null()) << "no odd item follows 9";
}

TEST(KeysetPage, cursors_and_limits_nobody_gave_out_are_400_with_a_pointer) {
  for (const std::string& bad : std::vector<std::string>{"", "zz", "6", "6f31", std::string(5000, 'a')}) {
    auto p = api::page_of(request({{"cursor", bad}}));
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::validation_failed);
  }
  for (const char* bad : {"0", "201", "-1", "ten", "5x"}) EXPECT_FALSE(api::page_of(request({{"limit", bad}})));
  EXPECT_TRUE(api::page_of(request({{"cursor", api::cursor_for("anything")}})));
}

TEST(KeysetPage, a_page_from_items_bytes_is_byte_for_byte_the_page_rendered_whole) {
  std::map<std::string, int> index;
  for (int i = 0; i < 9; ++i) index.emplace(key(i), i);
  auto as_object = [](const auto& e) { return nlohmann::json{{"n", e.second}, {"name", "item \xff"}}; };
  auto bytes = [&](const auto& e) { return json_bytes(as_object(e)); };
  for (auto limit : {"1", "4", "9", "200"}) {
    std::optional<std::string> cursor;
    do {
      std::map<std::string, std::string> query{{"limit", limit}};
      if (cursor) query["cursor"] = *cursor;
      auto p = api::page_of(request(query));
      auto whole = api::keyset_page(index, *p, api::keep_all, as_object);
      EXPECT_EQ(api::keyset_page_bytes(index, *p, api::keep_all, bytes), json_bytes(whole)) << limit;
      auto counted = whole;
      counted["unread_count"] = 3;
      EXPECT_EQ(api::keyset_page_bytes(index, *p, api::keep_all, bytes, ",\"unread_count\":3"), json_bytes(counted));
      cursor = whole["next_cursor"].is_null() ? std::nullopt : std::optional(whole["next_cursor"].get<std::string>());
    } while (cursor);
  }
  auto none = api::page_of(request({}));
  EXPECT_EQ(api::keyset_page_bytes(std::map<std::string, int>{}, *none, api::keep_all, bytes),
            R"({"items":[],"next_cursor":null})");
}
