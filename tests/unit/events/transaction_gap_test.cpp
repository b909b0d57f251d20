#include "transaction_gap.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using concord::events::kafka::next_transaction_gap;

TEST(TransactionGap, stays_at_none_while_records_are_acknowledged_within_round_trips) {
  EXPECT_EQ(next_transaction_gap(0us, 3ms, 10ms), 0us);
  EXPECT_EQ(next_transaction_gap(0us, 14ms, 10ms), 0us);
}

TEST(TransactionGap, grows_after_a_wait_as_long_as_the_clients_retry_and_shrinks_slowly_after) {
  std::chrono::microseconds gap{0};
  gap = next_transaction_gap(gap, 22ms, 10ms);
  EXPECT_EQ(gap, 2ms);
  gap = next_transaction_gap(gap, 21ms, 10ms);
  EXPECT_EQ(gap, 4ms);
  gap = next_transaction_gap(gap, 3ms, 10ms);
  EXPECT_EQ(gap, 3800us);
  for (int i = 0; i < 100; ++i) gap = next_transaction_gap(gap, 3ms, 10ms);
  EXPECT_EQ(gap, 0us);
}

TEST(TransactionGap, never_exceeds_the_configured_most_and_zero_turns_it_off) {
  std::chrono::microseconds gap{0};
  for (int i = 0; i < 20; ++i) gap = next_transaction_gap(gap, 40ms, 10ms);
  EXPECT_EQ(gap, 10ms);
  EXPECT_EQ(next_transaction_gap(10ms, 3ms, 6ms), 6ms);
  EXPECT_EQ(next_transaction_gap(0us, 40ms, 0ms), 0us);
}
