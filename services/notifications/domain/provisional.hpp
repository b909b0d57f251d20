#pragma once
// Notifications a replica has routed itself from a source event it follows, that no
// notification.created has recorded yet.
//
// Only the owner of an event's partition in the processors' group records what the event causes,
// and the other replicas show it once they have read the record. When the owner dies, its
// partitions wait for its group session to end, and every notification it had in an open
// transaction waits for the broker to abort it: seconds in which no replica could show what the
// events meanwhile cause. Every replica follows every source topic anyway (its views), so it
// routes each event itself and shows the result at once: the recorded notification has the same
// id (notification_id), and takes its place when it is folded.
//
// Kept beside the state, never in it: not in the log, not in a snapshot, never marked read (a
// read mark waits for the record). One the owner never records (it routed on views that differed:
// a participant change that names no one, judged against the meeting as each held it) is dropped
// after max_age. Pure; not thread-safe.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "notifications/domain/inbox.hpp"

namespace concord::notifications {

class ProvisionalInbox {
 public:
  // `most`: how many it holds at most; past it, the oldest go first.
  explicit ProvisionalInbox(std::chrono::milliseconds max_age, size_t most = 100000);

  // Adds what routing one event gave, as of `now`, except those `inbox` has recorded already,
  // after dropping what has outlived max_age.
  void add(std::vector<Notification> routed, const Inbox& inbox, Timestamp now);
  // The notification is recorded: its provisional copy is no longer needed.
  void forget(const std::string& id);

  // A member's provisional notifications that `inbox` has not recorded, younger than max_age and
  // delivered by `now` (quiet hours), newest first.
  std::vector<const Notification*> pending(const std::string& member_id, const Inbox& inbox, Timestamp now) const;
  // One of them by id, on the same terms; null when there is none.
  const Notification* find(const std::string& id, const Inbox& inbox, Timestamp now) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Notification notification;
    std::uint64_t arrival = 0;
  };
  bool shown(const Notification& n, const Inbox& inbox, Timestamp now) const;
  void drop_oldest();
  void erase(std::unordered_map<std::string, Entry>::iterator it);

  std::chrono::milliseconds max_age_;
  size_t most_;
  std::uint64_t arrivals_ = 0;
  std::unordered_map<std::string, Entry> entries_;  // by notification id
  // Member id → arrival → notification id, newest first.
  std::unordered_map<std::string, std::map<std::uint64_t, std::string, std::greater<>>> by_member_;
  // Arrival order, oldest first: (arrival, id). Entries of forgotten ones stay until they reach
  // the front; an entry whose arrival no longer matches is passed over.
  std::deque<std::pair<std::uint64_t, std::string>> order_;
};

}  // namespace concord::notifications
