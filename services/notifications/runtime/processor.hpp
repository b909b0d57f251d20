#pragma once
// The consume → produce → commit loop: each polled batch of the three consumed topics is routed
// to notifications, which are appended together with the batch's consumed positions in one
// atomic step (Subscription::commit_with), so a crash anywhere loses none and duplicates none.
// Only once that step has committed are the notifications applied to the inbox (through the
// service's store, as every write is) and pushed live:
// the inbox never holds what a restart would not find on the topic. Reminders fire from the
// same thread, so they are never raced. Every replica runs one in the same group: each routes
// the partitions it is assigned, through a transactional producer of its own (KIP-447), and
// fires the reminders and digests keyed to those partitions (see fire_reminders).
#include <atomic>
#include <memory>
#include <thread>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications {

class Processor {
 public:
  explicit Processor(Shared& shared);
  ~Processor();

  // Joins the consumer group (kGroup) on the consumed topics.
  Status open();
  void start();  // the loop on its own thread; opens the subscription first, retrying
  void stop();

  // One turn of the loop run() repeats: step(wait); then, when `timers`, fire_reminders() and
  // queue_digests() (their failures are logged: the work stays due); then the live stream's
  // held notifications and expired streams. Returns how many records, reminders and digests it
  // handled (0: nothing was waiting), or step's error. Tests call it instead of waiting for the
  // thread.
  Result<size_t> iterate(std::chrono::milliseconds wait, bool timers);
  // One step: poll (waiting at most `wait`), route, commit, apply.
  // Returns the number of consumed records committed.
  Result<size_t> step(std::chrono::milliseconds wait);
  // Fires the reminders due at the clock's now; returns how many.
  Result<size_t> fire_reminders();
  // Queues each member's daily e-mail digest that is due (digest.hpp); returns how many.
  Result<size_t> queue_digests();

 private:
  void run();
  // Whether this replica fires the work keyed by the meeting / the member.
  bool owns_meeting(const Views& views, const std::string& meeting_id);
  bool owns_member(const Views& views, const std::string& member_id);

  Shared& shared_;
  std::unique_ptr<events::Subscription> subscription_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::chrono::steady_clock::time_point last_reminders_{};
};

}  // namespace concord::notifications
