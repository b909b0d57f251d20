// The rendered bytes kept beside an item: made once, dropped by clear(), never carried by a
// copy or a move (an item made anew must not show what it replaced).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "concord/core/rendered_json.hpp"

using concord::RenderedJson;

TEST(RenderedJson, renders_once_until_cleared_then_renders_what_the_item_now_is) {
  RenderedJson<> cached;
  int renders = 0, value = 1;
  auto render = [&] {
    ++renders;
    return nlohmann::json{{"value", value}};
  };
  EXPECT_EQ(cached.get(render), R"({"value":1})");
  value = 2;
  EXPECT_EQ(cached.get(render), R"({"value":1})") << "unchanged until evolve clears it";
  EXPECT_EQ(renders, 1);
  cached.clear();
  EXPECT_EQ(cached.get(render), R"({"value":2})");
  EXPECT_EQ(renders, 2);
}

TEST(RenderedJson, copies_and_moves_start_without_bytes) {
  RenderedJson<> cached;
  (void)cached.get([] { return nlohmann::json("old"); });
  RenderedJson<> copy(cached);
  EXPECT_EQ(copy.get([] { return nlohmann::json("new"); }), "\"new\"");
  RenderedJson<> assigned;
  (void)assigned.get([] { return nlohmann::json("old"); });
  assigned = std::move(cached);
  EXPECT_EQ(assigned.get([] { return nlohmann::json("new"); }), "\"new\"");
}

TEST(RenderedJson, each_variant_has_its_own_bytes) {
  RenderedJson<2> cached;
  EXPECT_EQ(cached.get(0, [] { return nlohmann::json("public"); }), "\"public\"");
  EXPECT_EQ(cached.get(1, [] { return nlohmann::json("personal"); }), "\"personal\"");
  EXPECT_EQ(cached.get(0, [] { return nlohmann::json("other"); }), "\"public\"");
}

TEST(RenderedJson, readers_racing_to_render_all_get_the_same_stored_bytes) {
  RenderedJson<> cached;
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> readers;
  for (size_t i = 0; i < seen.size(); ++i)
    readers.emplace_back([&, i] { seen[i] = &cached.get([] { return nlohmann::json{{"n", 1}}; }); });
  for (auto& r : readers) r.join();
  for (const auto* s : seen) EXPECT_EQ(s, seen.front());
  EXPECT_EQ(*seen.front(), R"({"n":1})");
}

TEST(RenderedJson, bytes_are_what_a_json_response_sends_invalid_utf8_replaced) {
  EXPECT_EQ(concord::json_bytes(nlohmann::json{{"b", 1}, {"a", "x\xff"}}), "{\"a\":\"x\xEF\xBF\xBD\",\"b\":1}");
}
