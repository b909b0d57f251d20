// Store::catch_up on the real broker: a standby that followed its service's topic takes the
// writer's role (init_transactions fences the previous writer and ends its open transaction)
// and reads only what follows its state, not the whole log.
#include <gtest/gtest.h>

#include <chrono>

#include "concord/service/store.hpp"
#include "kafka_test_support.hpp"

using namespace concord;
using namespace concord::events::kafka_test;

namespace {

struct Booked {
  std::vector<std::string> slots;
};

using BookedStore = service::Store<Booked>;

std::unique_ptr<BookedStore> replica(std::shared_ptr<events::EventLog> log, const std::string& topic) {
  auto store = std::make_unique<BookedStore>(
      std::move(log), [](Booked& s, const std::string&, const events::Event& e) { s.slots.push_back(e.data["slot"]); });
  EXPECT_TRUE(store->replay({topic}));
  return store;
}

events::Event booking(const std::string& slot) {
  auto e = make_event(slot, 1, "concord.test.slot.booked");
  e.data = {{"slot", slot}};
  return e;
}

Status book(BookedStore& store, const std::string& topic, const std::string& slot) {
  auto written = store.write([&](const Booked&) -> Result<std::vector<service::Append>> {
    return std::vector<service::Append>{{topic, slot, {booking(slot)}}};
  });
  if (!written) return fail(written.error());
  return {};
}

std::vector<std::string> slots(const BookedStore& store) {
  return store.read([](const Booked& s) { return s.slots; });
}

std::shared_ptr<events::EventLog> open(const std::string& transactional_id, bool writer) {
  auto o = options(transactional_id);
  o.writer_on_open = writer;
  auto log = events::open_kafka_log(o);
  EXPECT_TRUE(log) << (log ? "" : log.error().detail);
  return log ? std::shared_ptr<events::EventLog>(std::move(*log)) : nullptr;
}

// What the standby's follower does: records past where `store` stands until it holds `want`.
void follow_until(const std::shared_ptr<events::EventLog>& log, BookedStore& store, const std::string& topic,
                  size_t want) {
  auto tail = log->tail({topic}, store.positions());
  ASSERT_TRUE(tail) << tail.error().detail;
  auto started = std::chrono::steady_clock::now();
  while (slots(store).size() < want) {
    ASSERT_LT(seconds_since(started), 60.0) << "the standby never saw the writer's events";
    auto records = (*tail)->poll(std::chrono::milliseconds(500), want - slots(store).size());
    ASSERT_TRUE(records) << records.error().detail;
    for (const auto& r : *records) store.apply(r);
  }
}

TEST(StoreOnKafka, a_standby_promoted_after_fencing_the_writer_reads_only_what_follows_its_state) {
  if (brokers().empty()) return;
  auto topic = unique("catch-up");
  auto id = unique("writer");
  auto first = open(id, true);
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->ensure_topics({{topic, 3}}));
  auto writer = replica(first, topic);
  for (auto slot : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(book(*writer, topic, slot));

  auto second = open(id, false);
  ASSERT_TRUE(second);
  auto standby = replica(second, topic);
  EXPECT_EQ(standby->recovery().replayed_events, 5);
  ASSERT_TRUE(book(*writer, topic, "f"));
  follow_until(second, *standby, topic, 6);
  ASSERT_TRUE(book(*writer, topic, "g"));
  ASSERT_TRUE(book(*writer, topic, "h"));

  ASSERT_TRUE(second->acquire_writer());  // fences the first writer
  ASSERT_TRUE(standby->catch_up({topic}));
  auto recovery = standby->recovery();
  EXPECT_TRUE(recovery.caught_up);
  EXPECT_EQ(recovery.replayed_events, 2);  // g and h, not the eight a rebuild reads
  auto expected = slots(*writer);
  auto held = slots(*standby);
  std::sort(expected.begin(), expected.end());  // three partitions: order is per key
  std::sort(held.begin(), held.end());
  EXPECT_EQ(held, expected);

  EXPECT_FALSE(book(*writer, topic, "z"));  // fenced: nothing of it reaches the log
  ASSERT_TRUE(book(*standby, topic, "i"));
  // Its own append's positions are exact (Kafka reports them): stepping down reads nothing again.
  ASSERT_TRUE(standby->catch_up({topic}));
  EXPECT_TRUE(standby->recovery().caught_up);
  EXPECT_EQ(standby->recovery().replayed_events, 0);
  EXPECT_EQ(slots(*standby).size(), 9u);
}

TEST(StoreOnKafka, the_previous_writers_open_transaction_is_aborted_by_the_fencing_and_never_read) {
  if (brokers().empty()) return;
  auto topic = unique("catch-up-open");
  auto id = unique("writer");
  auto standby_log = open(id, false);
  ASSERT_TRUE(standby_log);
  ASSERT_TRUE(standby_log->ensure_topics({{topic, 1}}));
  auto standby = replica(standby_log, topic);
  {
    RawTxnProducer previous(brokers(), id);
    previous.begin();
    previous.produce(topic, "a", booking("a"));
    previous.commit();
    previous.begin();
    previous.produce(topic, "b", booking("b"));
    previous.flush();  // on the broker, never committed: the writer dies here
    ASSERT_TRUE(standby_log->acquire_writer());
  }
  ASSERT_TRUE(standby->catch_up({topic}));
  EXPECT_TRUE(standby->recovery().caught_up);
  EXPECT_EQ(standby->recovery().replayed_events, 1);
  EXPECT_EQ(slots(*standby), std::vector<std::string>{"a"});
}

}  // namespace
