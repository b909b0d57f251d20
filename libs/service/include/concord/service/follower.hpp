#pragma once
// Follows other services' topics for a view (another service's members, meetings...): from
// where the state's replay ended, with EventLog::tail — no consumer group and nothing
// committed, so a restarted process never waits for a dead one's partitions. A reader that
// fails is reopened from where it stood, with a growing pause. One thread; stop() joins it.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "concord/events/event_log.hpp"

namespace concord::service {

class Follower {
 public:
  using Apply = std::function<void(const events::Record&)>;
  // After every poll, with whether it brought records: where a service does what the view's
  // changes call for (settling what waited on the view). Runs on the follower's thread.
  using AfterPoll = std::function<void(bool got_records)>;

  Follower(std::string what, std::shared_ptr<events::EventLog> log, std::vector<std::string> topics);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  void start(events::Positions from, Apply apply, AfterPoll after_poll = {});
  void stop();

 private:
  void run(events::Positions from);

  std::string what_;
  std::shared_ptr<events::EventLog> log_;
  std::vector<std::string> topics_;
  Apply apply_;
  AfterPoll after_poll_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace concord::service
