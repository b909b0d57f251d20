#pragma once
// The requests stamped with an Idempotency-Key (store.hpp's RequestStamp) that a state's log
// holds: what lets a writer that took over from one that died answer a retry from the log.
//
// Kept as long as the Idempotency-Key ledger keeps a response (24 h), by the time of the events
// the log holds after them, and at most kMostRequests of them (memory stays bounded whatever
// the write rate). A Store folds them beside its state, and its snapshots carry them
// (snapshots.hpp), so a start from a snapshot remembers what the log before it holds without
// reading it.
#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "concord/core/binary.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event_log.hpp"

namespace concord::service {

// What the log holds of a request appended under an Idempotency-Key.
struct CommittedRequest {
  struct EventRef {
    std::string topic, id, type, subject;
    long long sequence = 0;
  };
  std::string fingerprint;
  std::vector<EventRef> events;
  events::Positions positions;  // just past its events, where the log reported them
  Timestamp time{};             // its first event's
};

template <class Io>
void layout(Io& io, CommittedRequest::EventRef& e) {
  io.field(e.topic);
  io.field(e.id);
  io.field(e.type);
  io.field(e.subject);
  io.field(e.sequence);
}

class RememberedRequests {
 public:
  static constexpr size_t kMostRequests = 16384;
  static constexpr std::chrono::hours kKeptFor{24};  // the Idempotency-Key ledger's TTL

  // Every committed event, in the order the state takes it (`record`: where a replay or a tail
  // read it; `appended`: where the log put the batch that carried it; either may be null).
  void take(const std::string& topic, const events::Event& e, const events::Record* record,
            const events::Positions* appended = nullptr) {
    if (e.time > latest_) latest_ = e.time;
    forget_expired();
    if (e.idempotencykey.empty() || e.time < horizon()) return;
    auto [it, added] = requests_.try_emplace(e.idempotencykey);
    auto& request = it->second;
    if (added) {
      request.time = e.time;
      order_.push_back(e.idempotencykey);
      if (order_.size() > kMostRequests) {
        requests_.erase(order_.front());
        order_.pop_front();
      }
    }
    request.fingerprint = e.requestdigest;
    request.events.push_back({topic, e.id, e.type, e.subject, e.sequence});
    if (record) events::advance(request.positions, *record);
    if (appended)
      if (auto t = appended->find(topic); t != appended->end()) request.positions[topic] = t->second;
  }

  const CommittedRequest* find(const std::string& key) const {
    auto it = requests_.find(key);
    return it == requests_.end() ? nullptr : &it->second;
  }
  size_t size() const { return order_.size(); }

  // Oldest first, as take() met them. Reading throws binary::Malformed on bytes that do not
  // hold them.
  void encode(binary::Writer& out) const {
    out.time(latest_);
    out.each(order_, [&](binary::Writer& w, const std::string& key) {
      const auto& request = requests_.at(key);
      w.str(key);
      w.str(request.fingerprint);
      w.time(request.time);
      w.field(request.events);
      w.field(request.positions);
    });
  }
  static RememberedRequests decode(binary::Reader& in) {
    RememberedRequests out;
    out.latest_ = in.time();
    in.each([&](binary::Reader& r) {
      auto key = r.str();
      CommittedRequest request;
      request.fingerprint = r.str();
      request.time = r.time();
      r.field(request.events);
      r.field(request.positions);
      if (!out.requests_.emplace(key, std::move(request)).second)
        throw binary::Malformed("an Idempotency-Key remembered twice");
      out.order_.push_back(std::move(key));
    });
    return out;
  }

 private:
  Timestamp horizon() const { return latest_ - kKeptFor; }
  // Requests are met in log order, which is close to time order: the front is the oldest.
  void forget_expired() {
    while (!order_.empty()) {
      auto it = requests_.find(order_.front());
      if (it != requests_.end() && it->second.time >= horizon()) return;
      if (it != requests_.end()) requests_.erase(it);
      order_.pop_front();
    }
  }

  std::unordered_map<std::string, CommittedRequest> requests_;
  std::deque<std::string> order_;  // oldest first
  Timestamp latest_{};             // the latest event time taken
};

}  // namespace concord::service
