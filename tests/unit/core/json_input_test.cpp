#include <gtest/gtest.h>

#include "concord/core/json_input.hpp"

using namespace concord;
using namespace concord::json_input;

TEST(JsonInput, malformed_json_is_a_bad_request_naming_the_byte) {
  auto r = parse(R"({"a": 1,,})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_request);
  EXPECT_EQ(r.error().errors.at(0).pointer, "");
  EXPECT_NE(r.error().detail.find("byte 9"), std::string::npos) << r.error().detail;
}

TEST(JsonInput, deep_nesting_is_refused_without_recursion) {
  std::string deep(100000, '[');
  auto r = parse(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("nests deeper"), std::string::npos);
}

TEST(JsonInput, a_non_object_body_is_refused) {
  auto r = parse_object("[1,2]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
}

TEST(JsonInput, reader_collects_every_error_with_pointers) {
  auto doc = nlohmann::json::parse(R"({
    "country": 12, "title": {"en": "", "x y": "bad"}, "time_zone": "Nowhere/City",
    "start": "2025-09-28T10:00:00", "participants": ["not-a-uuid"], "rank": "king", "typo": true,
    "contact": {"email": 5}
  })");
  Reader r(doc);
  r.string("country");
  r.localized("title");
  r.time_zone("time_zone");
  r.time("start");
  r.uuid_list("participants");
  r.one_of("rank", {"minister", "expert"});
  r.string("missing");
  if (auto contact = r.object("contact")) contact->string("email");
  r.refuse_unknown({"country", "title", "time_zone", "start", "participants", "rank", "missing", "contact"});
  auto status = r.finish();
  ASSERT_FALSE(status);
  std::set<std::string> pointers;
  for (const auto& e : status.error().errors) pointers.insert(e.pointer);
  EXPECT_EQ(pointers, (std::set<std::string>{"/country", "/title/en", "/title/x y", "/time_zone", "/start",
                                             "/participants/0", "/rank", "/missing", "/contact/email", "/typo"}));
}

TEST(JsonInput, pointer_tokens_are_escaped) {
  EXPECT_EQ(pointer_token("a/b~c"), "a~1b~0c");
}

TEST(JsonInput, integer_bounds_and_types) {
  auto doc = nlohmann::json::parse(R"({"a": 5, "b": 1e3, "c": 18446744073709551615, "d": -1})");
  Reader r(doc);
  EXPECT_EQ(r.integer("a", 0, 10), 5);
  EXPECT_FALSE(r.integer("b", 0, 10000));
  EXPECT_FALSE(r.integer("c", 0, 100));
  EXPECT_FALSE(r.integer("d", 0, 100));
  EXPECT_EQ(r.errors().size(), 3u);
}

TEST(JsonInput, bcp47_tags) {
  for (auto t : {"en", "ru", "ky", "be", "en-GB", "zh-Hant-TW"}) EXPECT_TRUE(is_bcp47(t)) << t;
  for (auto t : {"", "e", "english", "en_GB", "en-", "-en"}) EXPECT_FALSE(is_bcp47(t)) << t;
}

TEST(JsonInput, a_number_beyond_a_double_is_a_bad_request_not_an_exception) {
  for (const char* body : {R"({"capacity": 1e999})", R"([1e308, 1e+616])", R"({"a": -1e400})"}) {
    auto doc = json_input::parse(body);
    ASSERT_FALSE(doc) << body;
    EXPECT_EQ(doc.error().code, ErrorCode::bad_request);
  }
}
