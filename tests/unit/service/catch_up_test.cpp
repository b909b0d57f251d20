// Store::catch_up: a standby that followed its own topics becomes the writer by reading only
// what follows the state it holds, not the whole log; and a state that cannot say exactly where
// it stands (its own appends' positions unreported) is rebuilt instead.
#include <gtest/gtest.h>

#include <chrono>

#include "concord/events/file_log.hpp"
#include "concord/service/store.hpp"
#include "temp_dir.hpp"

using namespace concord;
using concord::events::testing::TempDir;

namespace {

constexpr const char* kTopic = "concord.test.v1";

struct Booked {
  std::vector<std::string> slots;
};

class CatchUpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = events::open_file_log({.directory = dir_.path()});
    ASSERT_TRUE(opened) << opened.error().detail;
    log_ = std::shared_ptr<events::EventLog>(std::move(*opened));
    ASSERT_TRUE(log_->ensure_topics({{kTopic}}));
  }

  std::unique_ptr<service::Store<Booked>> replica() {
    auto store = std::make_unique<service::Store<Booked>>(
        log_, [](Booked& s, const std::string&, const events::Event& e) { s.slots.push_back(e.data["slot"]); });
    EXPECT_TRUE(store->replay({kTopic}));
    return store;
  }

  static Status book(service::Store<Booked>& store, const std::string& slot) {
    auto written = store.write([&](const Booked&) -> Result<std::vector<service::Append>> {
      events::Event e;
      e.id = "ev-" + slot;
      e.source = "/concord/test";
      e.type = "concord.test.slot.booked";
      e.subject = "slot/" + slot;
      e.data = {{"slot", slot}};
      return std::vector<service::Append>{{kTopic, slot, {e}}};
    });
    if (!written) return fail(written.error());
    return {};
  }

  // What a standby's follower does: the next `n` records after where `store` stands, applied.
  void follow(service::Store<Booked>& store, size_t n) {
    auto tail = log_->tail({kTopic}, store.positions());
    ASSERT_TRUE(tail) << tail.error().detail;
    size_t applied = 0;
    while (applied < n) {
      auto records = (*tail)->poll(std::chrono::milliseconds(200), n - applied);
      ASSERT_TRUE(records) << records.error().detail;
      for (const auto& r : *records) store.apply(r);
      applied += records->size();
    }
  }

  static std::vector<std::string> slots(const service::Store<Booked>& store) {
    return store.read([](const Booked& s) { return s.slots; });
  }

  TempDir dir_{"concord-catch-up-"};
  std::shared_ptr<events::EventLog> log_;
};

TEST_F(CatchUpTest, a_standby_that_followed_reads_only_what_follows_its_state_when_it_becomes_the_writer) {
  auto writer = replica();
  for (auto slot : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(book(*writer, slot));
  auto standby = replica();
  EXPECT_EQ(standby->recovery().replayed_events, 5);
  for (auto slot : {"f", "g"}) ASSERT_TRUE(book(*writer, slot));
  follow(*standby, 1);  // f
  ASSERT_TRUE(book(*writer, "h"));

  ASSERT_TRUE(standby->catch_up({kTopic}));
  auto recovery = standby->recovery();
  EXPECT_TRUE(recovery.caught_up);
  EXPECT_EQ(recovery.replayed_events, 2);  // g and h: not the eight a rebuild reads
  EXPECT_EQ(slots(*standby), slots(*writer));

  // Caught up again at the end: nothing to read.
  ASSERT_TRUE(standby->catch_up({kTopic}));
  EXPECT_EQ(standby->recovery().replayed_events, 0);
  ASSERT_TRUE(book(*standby, "i"));
  EXPECT_EQ(slots(*standby), (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i"}));
}

TEST_F(CatchUpTest, a_state_whose_own_appends_have_no_reported_positions_is_rebuilt_instead) {
  auto writer = replica();
  ASSERT_TRUE(book(*writer, "a"));  // the file log reports no positions for an append
  auto other = replica();
  ASSERT_TRUE(book(*other, "b"));

  ASSERT_TRUE(writer->catch_up({kTopic}));
  auto recovery = writer->recovery();
  EXPECT_FALSE(recovery.caught_up);
  EXPECT_EQ(recovery.replayed_events, 2);  // the whole log, read once: "a" is not applied twice
  EXPECT_EQ(slots(*writer), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
