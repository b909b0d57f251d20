// The binary codec's layouts: one layout(io, value) serves both directions. A struct with every
// kind of member field() knows is written with the bytes the primitive calls write, read back
// equal, and a reader refuses an enumerator beyond the last the layout names.
#include <gtest/gtest.h>

#include "concord/core/binary.hpp"

namespace concord::binary_test {

enum class Colour { red, green, blue };

struct Part {
  std::string name;
  long long weight = 0;
  bool operator==(const Part&) const = default;
};

struct Assembly {
  std::string id;
  Colour colour = Colour::red;
  std::optional<Timestamp> built_at;
  std::optional<Days> due_on;
  std::shared_ptr<const std::string> manual;
  std::vector<Part> parts;
  std::set<std::string> tags;
  std::deque<std::string> history;
  std::map<std::string, Part> spares;
  std::map<Colour, std::set<std::string>> by_colour;
  std::pair<std::string, int> origin;
  std::uint64_t size = 0;
};

template <class Io>
void layout(Io& io, Part& p) {
  io.field(p.name);
  io.field(p.weight);
}

template <class Io>
void layout(Io& io, Assembly& a) {
  io.field(a.id);
  io.field(a.colour, Colour::blue);
  io.field(a.built_at);
  io.field(a.due_on);
  io.field(a.manual);
  io.field(a.parts);
  io.field(a.tags);
  io.field(a.history);
  io.field(a.spares);
  io.field(a.by_colour, Colour::blue);
  io.field(a.origin);
  io.field(a.size);
}

namespace {

Assembly sample() {
  Assembly a;
  a.id = "a-1";
  a.colour = Colour::green;
  a.built_at = Timestamp{std::chrono::milliseconds{1'700'000'000'000}};
  a.manual = std::make_shared<const std::string>("read me");
  a.parts = {{"bolt", 3}, {"nut", 2}};
  a.tags = {"x", "y"};
  a.history = {"made", "checked"};
  a.spares = {{"s-1", {"washer", 1}}};
  a.by_colour = {{Colour::blue, {"a-1"}}};
  a.origin = {"Minsk", 7};
  a.size = 1ULL << 40;
  return a;
}

// What the layout must write, with the primitive calls.
std::string by_hand(const Assembly& a) {
  binary::Writer w;
  w.str(a.id);
  w.enumerator(a.colour);
  w.opt_time(a.built_at);
  w.opt_day(a.due_on);
  w.opt_str(*a.manual);
  w.count(a.parts.size());
  for (const auto& p : a.parts) {
    w.str(p.name);
    w.i64(p.weight);
  }
  w.strings({a.tags.begin(), a.tags.end()});
  w.strings({a.history.begin(), a.history.end()});
  w.count(1);
  w.str("s-1");
  w.str("washer");
  w.i64(1);
  w.count(1);
  w.enumerator(Colour::blue);
  w.strings({"a-1"});
  w.str(a.origin.first);
  w.i64(a.origin.second);
  w.u64(a.size);
  return w.take();
}

}  // namespace

TEST(BinaryLayout, writes_the_bytes_of_the_primitive_calls_and_reads_them_back) {
  auto original = sample();
  binary::Writer w;
  w.field(original);
  auto bytes = w.take();
  EXPECT_EQ(bytes, by_hand(original));

  binary::Reader r(bytes);
  Assembly decoded;
  r.field(decoded);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(decoded.colour, Colour::green);
  EXPECT_EQ(decoded.built_at, original.built_at);
  EXPECT_FALSE(decoded.due_on);
  ASSERT_TRUE(decoded.manual);
  EXPECT_EQ(*decoded.manual, "read me");
  EXPECT_EQ(decoded.parts, original.parts);
  EXPECT_EQ(decoded.tags, original.tags);
  EXPECT_EQ(decoded.history, original.history);
  EXPECT_EQ(decoded.spares, original.spares);
  EXPECT_EQ(decoded.by_colour, original.by_colour);
  EXPECT_EQ(decoded.origin, original.origin);
  EXPECT_EQ(decoded.size, original.size);
}

TEST(BinaryLayout, values_of_a_map_are_keyed_again_by_the_member_that_holds_their_key) {
  std::map<std::string, Part> parts{{"bolt", {"bolt", 3}}, {"nut", {"nut", 2}}};
  binary::Writer w;
  w.values(parts, &Part::name);
  auto bytes = w.take();
  binary::Reader r(bytes);
  std::map<std::string, Part> decoded;
  r.values(decoded, &Part::name);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(decoded, parts);
}

TEST(BinaryLayout, an_enumerator_beyond_the_last_the_layout_names_is_refused) {
  binary::Writer w;
  w.u8(3);  // one past Colour::blue
  auto bytes = w.take();
  binary::Reader r(bytes);
  Colour c{};
  EXPECT_THROW(r.field(c, Colour::blue), binary::Malformed);
}

}  // namespace concord::binary_test
