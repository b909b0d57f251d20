// Store: decide against the draft, append in groups, evolve the committed state; reads that never
// wait for an append; and what it does when an append fails or its outcome is unknown (the
// commit was sent, no answer came): the state may be behind the log, so it is rebuilt from the
// log first.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
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
  Status append_all(const std::vector<events::Append>& appends) override {
    {
      std::unique_lock lock(gate_mutex_);
      ++batches_;
      gate_cv_.notify_all();
      gate_cv_.wait(lock, [&] { return open_; });
      if (fail_next_ > 0) {
        --fail_next_;
        return fail(events::log_error(events::LogFailure::unavailable, "the broker is away"));
      }
    }
    auto mode = std::exchange(next, Next::normal);
    if (mode == Next::normal) return inner_->append_all(appends);
    if (mode == Next::written_but_unknown) {
      if (auto s = inner_->append_all(appends); !s) return s;
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
  // A log that takes its next append only at `ready_at` (Kafka: a gap after the last
  // transaction), counting the writers that asked.
  std::chrono::steady_clock::time_point append_ready_at() override {
    std::lock_guard lock(gate_mutex_);
    ++ready_asked_;
    gate_cv_.notify_all();
    return ready_at_;
  }
  void ready_at(std::chrono::steady_clock::time_point t) {
    std::lock_guard lock(gate_mutex_);
    ready_at_ = t;
  }
  void wait_for_ready_asked(int n) {
    std::unique_lock lock(gate_mutex_);
    gate_cv_.wait(lock, [&] { return ready_asked_ >= n; });
  }

  // Holds every append until open() (a broker that stalls), counting batches as they arrive.
  void hold() {
    std::lock_guard lock(gate_mutex_);
    open_ = false;
  }
  void open() {
    std::lock_guard lock(gate_mutex_);
    open_ = true;
    gate_cv_.notify_all();
  }
  void fail_next(int n) {
    std::lock_guard lock(gate_mutex_);
    fail_next_ = n;
  }
  void wait_for_batches(int n) {
    std::unique_lock lock(gate_mutex_);
    gate_cv_.wait(lock, [&] { return batches_ >= n; });
  }
  int batches() {
    std::lock_guard lock(gate_mutex_);
    return batches_;
  }

 private:
  std::unique_ptr<events::EventLog> inner_;
  std::mutex gate_mutex_;
  std::condition_variable gate_cv_;
  bool open_ = true;
  int fail_next_ = 0;
  int batches_ = 0;
  int ready_asked_ = 0;
  std::chrono::steady_clock::time_point ready_at_;
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

TEST_F(StoreTest, reads_answer_while_an_append_is_held_up) {
  ASSERT_TRUE(book("08:00"));
  log_->hold();
  auto pending = std::async(std::launch::async, [&] { return book("09:00"); });
  log_->wait_for_batches(2);
  // The broker stalls with the 09:00 append in flight: a read must not wait for it, and sees
  // only what is committed.
  EXPECT_EQ(slots(), std::vector<std::string>{"08:00"});
  log_->open();
  ASSERT_TRUE(pending.get());
  EXPECT_EQ(slots(), (std::vector<std::string>{"08:00", "09:00"}));
}

TEST_F(StoreTest, writes_that_arrive_during_a_commit_are_decided_against_it_and_grouped_into_the_next) {
  log_->hold();
  auto first = std::async(std::launch::async, [&] { return book("09:00"); });
  log_->wait_for_batches(1);
  // While 09:00 is being committed, 31 more writers arrive: each is decided against the state
  // including 09:00 (a second 09:00 is refused at once) and all go out in one next batch.
  auto again = book("09:00");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  std::vector<std::future<Result<std::vector<service::Append>>>> rest;
  for (int i = 0; i < 31; ++i)
    rest.push_back(std::async(std::launch::async, [&, i] { return book("slot-" + std::to_string(i)); }));
  // Give them time to queue behind the held batch (if one slipped through, the count shows it).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  log_->open();
  ASSERT_TRUE(first.get());
  for (auto& f : rest) ASSERT_TRUE(f.get());
  EXPECT_EQ(slots().size(), 32u);
  EXPECT_LE(log_->batches(), 3) << "31 writers queued behind one commit should need one or two more";
}

TEST_F(StoreTest, writes_that_arrive_before_the_log_can_take_the_next_append_go_out_with_it) {
  // Far enough away for the writers below to queue on any machine; nothing is timed.
  log_->ready_at(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  auto first = std::async(std::launch::async, [&] { return book("09:00"); });
  log_->wait_for_ready_asked(1);
  std::vector<std::future<Result<std::vector<service::Append>>>> rest;
  for (int i = 0; i < 7; ++i)
    rest.push_back(std::async(std::launch::async, [&, i] { return book("slot-" + std::to_string(i)); }));
  ASSERT_TRUE(first.get());
  for (auto& f : rest) ASSERT_TRUE(f.get());
  EXPECT_EQ(slots().size(), 8u);
  EXPECT_EQ(log_->batches(), 1) << "the batch stays open until the log can take it";
}

TEST_F(StoreTest, a_failed_batch_fails_its_own_writes_and_the_ones_behind_it_are_decided_again) {
  log_->hold();
  auto doomed = std::async(std::launch::async, [&] { return book("09:00"); });
  log_->wait_for_batches(1);
  // Decided on a draft that assumes 09:00 is booked: 10:00 passes, a second 09:00 is refused.
  auto behind = std::async(std::launch::async, [&] { return book("10:00"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log_->fail_next(1);
  log_->open();
  auto failed = doomed.get();
  ASSERT_FALSE(failed);
  EXPECT_EQ(events::failure_of(failed.error()), events::LogFailure::unavailable);
  ASSERT_TRUE(behind.get()) << "a write behind a failed batch is decided again, not failed with it";
  EXPECT_EQ(slots(), std::vector<std::string>{"10:00"});
  // 09:00 is free again: the failed write left nothing behind, in memory or in the log.
  ASSERT_TRUE(book("09:00"));
  store_ = std::make_unique<service::Store<Booked>>(
      log_, [](Booked& st, const std::string&, const events::Event& e) { st.slots.push_back(e.data["slot"]); });
  ASSERT_TRUE(store_->replay({"concord.test.v1"}));
  EXPECT_EQ(slots(), (std::vector<std::string>{"10:00", "09:00"}));
}

TEST_F(StoreTest, many_concurrent_writers_of_distinct_slots_all_land_exactly_once) {
  std::vector<std::thread> writers;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i)
        if (book(std::to_string(t) + "/" + std::to_string(i))) ++ok;
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(ok.load(), 320);
  auto in_memory = slots();
  store_ = std::make_unique<service::Store<Booked>>(
      log_, [](Booked& st, const std::string&, const events::Event& e) { st.slots.push_back(e.data["slot"]); });
  ASSERT_TRUE(store_->replay({"concord.test.v1"}));
  EXPECT_EQ(slots(), in_memory) << "memory holds what the log holds, in the log's order";
}

// write_with: an append made elsewhere (a consumer group's transaction) still keeps the writers'
// order: it is decided after the batch in flight, on the state with it, and what it
// appended is applied; one that fails applies nothing.
TEST_F(StoreTest, a_write_through_another_append_is_decided_after_the_batch_in_flight_and_applied_once_appended) {
  log_->hold();
  auto pending = std::async(std::launch::async, [&] { return book("09:00"); });
  log_->wait_for_batches(1);
  std::vector<std::string> seen;
  auto through = std::async(std::launch::async, [&] {
    return store_->write_with(
        [&](const Booked& s) -> Result<std::vector<service::Append>> {
          seen = s.slots;
          if (std::find(s.slots.begin(), s.slots.end(), "09:00") != s.slots.end())
            return fail(Error::conflict("the slot is booked"));
          return std::vector<service::Append>{{"concord.test.v1", "09:00", {booking("09:00")}}};
        },
        [&](const std::vector<service::Append>& appends) { return log_->append_all(appends); });
  });
  log_->open();
  ASSERT_TRUE(pending.get());
  auto refused = through.get();
  ASSERT_FALSE(refused) << "decided before the batch in flight was committed";
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(seen, std::vector<std::string>{"09:00"});

  auto booked = store_->write_with(
      [&](const Booked&) -> Result<std::vector<service::Append>> {
        return std::vector<service::Append>{{"concord.test.v1", "10:00", {booking("10:00")}}};
      },
      [&](const std::vector<service::Append>& appends) { return log_->append_all(appends); });
  ASSERT_TRUE(booked) << booked.error().detail;
  EXPECT_EQ(slots(), (std::vector<std::string>{"09:00", "10:00"}));
  ASSERT_TRUE(book("11:00")) << "the writers go on after it";
}

TEST_F(StoreTest, a_write_through_another_append_that_fails_applies_nothing) {
  log_->fail_next(1);
  auto failed = store_->write_with(
      [&](const Booked&) -> Result<std::vector<service::Append>> {
        return std::vector<service::Append>{{"concord.test.v1", "09:00", {booking("09:00")}}};
      },
      [&](const std::vector<service::Append>& appends) { return log_->append_all(appends); });
  ASSERT_FALSE(failed);
  EXPECT_TRUE(slots().empty());
  ASSERT_TRUE(book("09:00"));
  EXPECT_EQ(slots(), std::vector<std::string>{"09:00"});
}
