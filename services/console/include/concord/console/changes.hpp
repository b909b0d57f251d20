#pragma once
// The per-visit change stream the console's open screens follow: it reads the scheduling,
// delegations and documents topics from their end onwards and tells every subscriber of a visit
// which aggregate changed, so a screen reloads what it shows within a second. It keeps no
// state beyond which visit each document belongs to.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "concord/events/event_log.hpp"
#include "concord/http/router.hpp"

namespace concord::console {

// The visit an event belongs to ("" when none): data.visit_id, a visit's own id, scheduling's
// key, or the visit of the delegation or document it is about (`aggregate_visits`: record key →
// visit, kept up to date from the events).
std::string visit_of(const events::Record& record, std::map<std::string, std::string>& aggregate_visits);

class ChangeFeed {
 public:
  explicit ChangeFeed(std::shared_ptr<events::EventLog> log);
  ~ChangeFeed();
  // Replays the topics to find their end, then follows them on a thread of its own.
  Status start();
  void stop();
  // GET /console/v1/visits/{id}/changes: text/event-stream of {"type","subject","visit_id"}.
  void mount(http::Router& router);

 private:
  void run(events::Positions from);
  void publish(const std::string& visit, const events::Record& record);

  std::shared_ptr<events::EventLog> log_;
  std::map<std::string, std::string> aggregate_visits_;  // only the follower thread touches it
  std::mutex mutex_;
  std::map<std::string, std::vector<std::shared_ptr<http::EventStream>>> subscribers_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace concord::console
