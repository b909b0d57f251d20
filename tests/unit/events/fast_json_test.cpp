#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fast_json.hpp"

using concord::events::detail::kMaxDepth;
using concord::events::detail::parse_json_subset;
using concord::events::detail::read_json_subset;
using nlohmann::json;

namespace {

// Whatever the fast reader accepts, it must read exactly as nlohmann does; what nlohmann
// refuses it must refuse too.
void agrees(const std::string& text, bool expect_fast) {
  auto fast = parse_json_subset(text);
  auto general = json::parse(text, nullptr, false);
  if (general.is_discarded()) {
    EXPECT_FALSE(fast) << "accepted what nlohmann refuses: " << text;
    return;
  }
  if (fast) {
    EXPECT_EQ(*fast, general) << text;
    EXPECT_EQ(fast->dump(), general.dump()) << text;  // same types too (unsigned vs signed)
  }
  EXPECT_EQ(fast.has_value(), expect_fast) << text;
}

}  // namespace

TEST(FastJson, reads_what_serialize_writes_as_nlohmann_does) {
  agrees(R"({"a":1,"b":-2,"c":"x","d":true,"e":false,"f":null,"g":[],"h":{},"i":[1,[2,{"j":"k"}]]})", true);
  agrees(R"({"big":18446744073709551615,"min":-9223372036854775808,"zero":0,"negzero":-0})", true);
  agrees(R"( { "spaced" : [ 1 , 2 ] } )", true);
  agrees(R"({"escapes":"q\" b\\ s\/ \b\f\n\r\t"})", true);
  agrees("{\"utf8\":\"Двусторонняя встреча — 第二轮 🤝\"}", true);
  agrees(R"({"dup":1,"dup":2})", true);
  agrees(R"("just a string")", true);
  agrees("123", true);
}

TEST(FastJson, leaves_the_rest_to_nlohmann) {
  agrees(R"({"u":"\u00e9"})", false);
  agrees(R"({"f":1.5})", false);
  agrees(R"({"e":1e3})", false);
  agrees(R"({"huge":18446744073709551616})", false);
  agrees(R"({"tiny":-9223372036854775809})", false);
  std::string deep(kMaxDepth + 1, '[');
  deep += std::string(kMaxDepth + 1, ']');
  agrees(deep, false);
}

TEST(FastJson, refuses_what_is_not_json) {
  for (std::string bad : {"",
                          "{",
                          "}",
                          "{\"a\"}",
                          "{\"a\":}",
                          "{\"a\":1,}",
                          "[1,]",
                          "[1 2]",
                          "01",
                          "-",
                          "+1",
                          "tru",
                          "nul",
                          "{\"a\":1}x",
                          "\"unterminated",
                          "\"tab\there\"",
                          "\"\\x\"",
                          "{'a':1}",
                          "\"\xc0\xaf\"",
                          "\"\xed\xa0\x80\"",
                          "\"\xf4\x90\x80\x80\"",
                          "\"\xe2\x82\"",
                          "[1]]"}) {
    agrees(bad, false);
  }
}

TEST(FastJson, a_prefix_reports_how_much_it_took) {
  size_t used = 0;
  auto v = read_json_subset(R"({"a":[1,2]},"next":1})", used);
  ASSERT_TRUE(v);
  EXPECT_EQ(used, 11u);
  EXPECT_EQ((*v)["a"][1], 2);
}

TEST(FastJson, agrees_with_nlohmann_on_random_documents_and_their_mutations) {
  std::mt19937 rng(20251128);
  const std::vector<std::string> strings = {
      "", "a", "meeting/0192f0c1", "Тет-а-тет", "q\"uote", "back\\slash", "line\nbreak", "🤝", "\t", "/"};
  std::function<json(int)> make = [&](int depth) -> json {
    switch (depth > 4 ? rng() % 4 : rng() % 6) {
      case 0:
        return strings[rng() % strings.size()];
      case 1:
        return static_cast<long long>(rng()) - (1LL << 31);
      case 2:
        return rng() % 2 == 0;
      case 3:
        return nullptr;
      case 4: {
        json a = json::array();
        for (unsigned n = rng() % 4; n > 0; --n) a.push_back(make(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (unsigned n = rng() % 5; n > 0; --n)
          o[strings[rng() % strings.size()] + std::to_string(n)] = make(depth + 1);
        return o;
      }
    }
  };
  const std::string alphabet = "{}[]\",:\\ 0123456789-truefalsn\x80\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string text = make(0).dump();
    agrees(text, text.find("\\u") == std::string::npos);
    // Damage it a little: whatever nlohmann makes of it, the fast reader must not differ.
    for (int m = 0; m < 3; ++m) {
      std::string bent = text;
      size_t at = rng() % (bent.size() + 1);
      switch (rng() % 3) {
        case 0:
          bent.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < bent.size()) bent.erase(at, 1);
          break;
        default:
          if (at < bent.size()) bent[at] = alphabet[rng() % alphabet.size()];
          break;
      }
      auto fast = parse_json_subset(bent);
      auto general = json::parse(bent, nullptr, false);
      if (fast) {
        ASSERT_FALSE(general.is_discarded()) << "accepted what nlohmann refuses: " << bent;
        ASSERT_EQ(fast->dump(), general.dump()) << bent;
      }
    }
  }
}
