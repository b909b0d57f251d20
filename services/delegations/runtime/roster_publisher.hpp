#pragma once
// Keeps each delegation's roster in the shared cache for the other services (the read model
// DESIGN §1 puts in Redis), off the request threads. Best effort: the cache is never required.
// Requests for one delegation coalesce: a burst of writes to a roster of thousands renders it a
// few times, not once per write, and no request waits for it.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "concord/cache/cache.hpp"
#include "concord/service/store.hpp"
#include "delegations/domain/model.hpp"

namespace concord::delegations {

class RosterPublisher {
 public:
  RosterPublisher(service::Store<State>& store, cache::Cache& cache);
  ~RosterPublisher();  // writes what was asked for, then stops
  RosterPublisher(const RosterPublisher&) = delete;
  RosterPublisher& operator=(const RosterPublisher&) = delete;

  // Writes the delegation's roster now, on the caller's thread (a start's rebuild).
  void publish(const std::string& delegation_id);
  // Asks for the roster to be written soon (after a write to the delegation).
  void request(const std::string& delegation_id);
  // Asks for the roster to be written if it is missing from the cache (after a read), at most
  // once a second per delegation: a roster of thousands is megabytes to fetch.
  void ensure(const std::string& delegation_id);

 private:
  void run();

  service::Store<State>& store_;
  cache::Cache& cache_;
  std::mutex cache_mutex_;  // roster writes, so a newer roster is never overwritten by an older one
  std::mutex requested_mutex_;
  std::condition_variable requested_cv_;
  std::set<std::string> requested_;  // rosters to write
  std::set<std::string> to_check_;   // rosters to write if missing from the cache
  std::map<std::string, std::chrono::steady_clock::time_point> last_checked_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace concord::delegations
