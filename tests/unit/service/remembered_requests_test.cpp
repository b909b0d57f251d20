// What a Store remembers of the requests stamped with an Idempotency-Key: kept for the ledger's
// 24 hours by the time of the events that follow them, and carried through a snapshot's bytes.
#include "concord/service/remembered_requests.hpp"

#include <gtest/gtest.h>

using namespace concord;
using concord::service::RememberedRequests;

namespace {

events::Event event_at(long long minutes, std::string key = {}) {
  events::Event e;
  e.id = "e-" + std::to_string(minutes);
  e.type = "concord.things.thing.created";
  e.subject = "thing/" + e.id;
  e.sequence = 1;
  e.time = Timestamp{std::chrono::minutes(minutes)};
  e.idempotencykey = std::move(key);
  e.requestdigest = "digest-of-" + e.idempotencykey;
  return e;
}

TEST(RememberedRequests, a_request_is_forgotten_once_the_log_holds_events_a_day_younger) {
  RememberedRequests remembered;
  remembered.take("t", event_at(0, "early"), nullptr);
  remembered.take("t", event_at(60, "later"), nullptr);
  remembered.take("t", event_at(24 * 60), nullptr);
  EXPECT_NE(remembered.find("early"), nullptr);  // exactly a day: still the ledger's
  remembered.take("t", event_at(24 * 60 + 1), nullptr);
  EXPECT_EQ(remembered.find("early"), nullptr);
  ASSERT_NE(remembered.find("later"), nullptr);
  EXPECT_EQ(remembered.find("later")->fingerprint, "digest-of-later");
  EXPECT_EQ(remembered.size(), 1u);
}

TEST(RememberedRequests, a_request_already_a_day_older_than_the_log_is_not_taken) {
  RememberedRequests remembered;
  remembered.take("t", event_at(3 * 24 * 60), nullptr);
  remembered.take("t", event_at(0, "stale"), nullptr);
  EXPECT_EQ(remembered.find("stale"), nullptr);
}

TEST(RememberedRequests, what_is_remembered_reads_back_as_it_was_written) {
  RememberedRequests remembered;
  remembered.take("t", event_at(1, "a"), nullptr);
  remembered.take("u", event_at(2, "a"), nullptr, nullptr);
  events::Record record;
  record.topic = "t";
  record.partition = 2;
  record.offset = 41;
  record.event = event_at(3, "b");
  remembered.take("t", record.event, &record);
  binary::Writer out;
  remembered.encode(out);
  auto bytes = out.take();
  binary::Reader in(bytes);
  auto back = RememberedRequests::decode(in);
  EXPECT_TRUE(in.done());
  ASSERT_NE(back.find("a"), nullptr);
  EXPECT_EQ(back.find("a")->events.size(), 2u);
  EXPECT_EQ(back.find("a")->events[1].topic, "u");
  ASSERT_NE(back.find("b"), nullptr);
  EXPECT_EQ(back.find("b")->positions.at("t").at(2), 42);
  // The age goes on from where it was: the next day forgets both.
  back.take("t", event_at(3 + 24 * 60 + 1), nullptr);
  EXPECT_EQ(back.size(), 0u);
  bytes.pop_back();
  binary::Reader cut(bytes);
  EXPECT_THROW(RememberedRequests::decode(cut), binary::Malformed);
}

}  // namespace
