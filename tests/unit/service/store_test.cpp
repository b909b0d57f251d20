// Store: decide → append → evolve under one lock, and what it does when an append's outcome is
// unknown (the commit was sent, no answer came): the state may be behind the log, so the next
// write rebuilds it from the log first.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "concord/events/file_log.hpp"
#include "concord/service/store.hpp"
#include "temp_dir.hpp"

using namespace concord;
using concord::events::testing::TempDir;

namespace {

struct Booked {
  std::vector<std::string> slots;  // what the log says is booked, in order
};

events::Event booking(const std::string& slot) {
  events::Event e;
  e.id = "ev-" + slot;
  e.source = "/concord/test";
  e.type = "concord.test.slot.booked";
  e.subject = "slot/" + slot;
  e.sequence = 1;
  e.data = {{"slot", slot}};
  return e;
}

// The file log, except that the next append can be made to end as if the broker went away
// after the commit was sent: written (or not) and reported with an unknown outcome.
class UncertainLog final : public events::EventLog {
 public:
  explicit UncertainLog(std::unique_ptr<events::EventLog> inner) : inner_(std::move(inner)) {}
  enum class Next { normal, written_but_unknown, lost_but_unknown };
  Next next = Next::normal;
  bool replay_fails = false;

  Status ensure_topics(const std::vector<events::TopicSpec>& t) override { return inner_->ensure_topics(t); }
  Status append(std::string_view topic, std::string_view key, const std::vector<events::Event>& evs) override {
    auto mode = std::exchange(next, Next::normal);
    if (mode == Next::normal) return inner_->append(topic, key, evs);
    if (mode == Next::written_but_unknown) {
      if (auto s = inner_->append(topic, key, evs); !s) return s;
    }
    auto error = events::log_error(events::LogFailure::unavailable, "no answer to the commit");
    error.extensions["commit_outcome"] = "unknown";
    return fail(error);
  }
  Status replay(std::string_view topic, const std::function<Status(const events::Record&)>& visit) override {
    if (replay_fails) return fail(events::log_error(events::LogFailure::unavailable, "the broker is away"));
    return inner_->replay(topic, visit);
  }
  Result<std::unique_ptr<events::Subscription>> subscribe(const std::vector<std::string>& t,
                                                          const std::string& g) override {
    return inner_->subscribe(t, g);
  }
  Result<std::unique_ptr<events::Tail>> tail(const std::vector<std::string>& t, const events::Positions& p) override {
    return inner_->tail(t, p);
  }
  bool healthy() override { return inner_->healthy(); }

 private:
  std::unique_ptr<events::EventLog> inner_;
};

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = events::open_file_log({.directory = dir_.path()});
    ASSERT_TRUE(opened) << opened.error().detail;
    log_ = std::make_shared<UncertainLog>(std::move(*opened));
    ASSERT_TRUE(log_->ensure_topics({{"concord.test.v1"}}));
    store_ = std::make_unique<service::Store<Booked>>(
        log_, [](Booked& s, const std::string&, const events::Event& e) { s.slots.push_back(e.data["slot"]); });
    ASSERT_TRUE(store_->replay({"concord.test.v1"}));
  }

  // Books `slot` unless the state says it is taken.
  Result<std::vector<service::Append>> book(const std::string& slot) {
    return store_->write([&](const Booked& s) -> Result<std::vector<service::Append>> {
      if (std::find(s.slots.begin(), s.slots.end(), slot) != s.slots.end())
        return fail(Error::conflict("the slot is booked"));
      return std::vector<service::Append>{{"concord.test.v1", slot, {booking(slot)}}};
    });
  }
  std::vector<std::string> slots() {
    return store_->read([](const Booked& s) { return s.slots; });
  }

  TempDir dir_{"concord-store-"};
  std::shared_ptr<UncertainLog> log_;
  std::unique_ptr<service::Store<Booked>> store_;
};

}  // namespace

TEST_F(StoreTest, a_write_is_in_the_state_once_appended) {
  auto booked = book("09:00");
  ASSERT_TRUE(booked) << booked.error().detail;
  EXPECT_EQ(slots(), std::vector<std::string>{"09:00"});
  auto again = book("09:00");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
}

TEST_F(StoreTest, after_an_unknown_outcome_that_was_written_the_next_write_sees_it_and_books_no_double) {
  log_->next = UncertainLog::Next::written_but_unknown;
  auto uncertain = book("09:00");
  ASSERT_FALSE(uncertain);
  EXPECT_TRUE(slots().empty()) << "nothing is applied on an unknown outcome";
  // The log has it: a second officer asking for the same slot must be refused.
  auto second = book("09:00");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::conflict);
  EXPECT_EQ(slots(), std::vector<std::string>{"09:00"});
}

TEST_F(StoreTest, after_an_unknown_outcome_that_was_lost_the_slot_can_be_booked) {
  log_->next = UncertainLog::Next::lost_but_unknown;
  ASSERT_FALSE(book("09:00"));
  ASSERT_TRUE(book("09:00"));
  EXPECT_EQ(slots(), std::vector<std::string>{"09:00"});
}

TEST_F(StoreTest, while_the_log_cannot_be_read_back_writes_are_unavailable_and_append_nothing) {
  ASSERT_TRUE(book("08:00"));
  log_->next = UncertainLog::Next::written_but_unknown;
  ASSERT_FALSE(book("09:00"));
  log_->replay_fails = true;
  auto refused = book("10:00");
  ASSERT_FALSE(refused);
  EXPECT_EQ(events::failure_of(refused.error()), events::LogFailure::unavailable);
  EXPECT_EQ(slots(), std::vector<std::string>{"08:00"}) << "the old state is kept until a rebuild succeeds";
  log_->replay_fails = false;
  ASSERT_TRUE(book("10:00"));
  EXPECT_EQ(slots(), (std::vector<std::string>{"08:00", "09:00", "10:00"}));
}
