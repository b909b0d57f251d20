#pragma once
// How long a Kafka writer waits after one transaction ends before it begins the next.
//
// The coordinator answers a commit before it has written the commit markers, and refuses the
// next transaction's partitions until they are written (CONCURRENT_TRANSACTIONS); librdkafka
// asks again only 20 ms later. A record that waited about that long for its ack says the broker
// is behind: the next transactions begin later, and the writers that arrive meanwhile join them.
// Each transaction that did not wait takes a little of the gap back, so a broker that keeps up
// (a warm Kafka 4 writes its markers before the next writers arrive) runs with none, and one
// write costs one transaction's round trips.
#include <algorithm>
#include <chrono>

namespace concord::events::kafka {

// The gap after a transaction whose records waited `acks` for their acknowledgements, given
// the gap before it and the most it may be.
inline std::chrono::microseconds next_transaction_gap(std::chrono::microseconds gap,
                                                      std::chrono::steady_clock::duration acks,
                                                      std::chrono::microseconds most) {
  using std::chrono::microseconds;
  constexpr microseconds kRefusedOnce{15000};  // more than any round trips here: a retry
  constexpr microseconds kLonger{2000}, kShorter{200};
  if (acks >= kRefusedOnce) return std::min(most, gap + kLonger);
  return std::max(microseconds{0}, std::min(most, gap - kShorter));
}

}  // namespace concord::events::kafka
