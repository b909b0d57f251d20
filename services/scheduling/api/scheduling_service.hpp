#pragma once
// The HTTP shell around the scheduling domain: parse → authorize → decide (through the Store,
// so writers are serialized) → append → evolve → render. The delegations view is replayed in
// recover() and kept current by a subscription in start().
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "concord/service/api.hpp"
#include "concord/service/follower.hpp"
#include "concord/service/service.hpp"
#include "concord/service/store.hpp"
#include "domain/decide.hpp"
#include "domain/programme.hpp"

namespace concord::scheduling {

class SchedulingService final : public service::Service {
 public:
  explicit SchedulingService(service::ServiceContext& context);
  ~SchedulingService() override;

  void mount(http::Router& router) override;
  Status recover() override;
  void start() override;
  void stop() override;

 private:
  using Response = Result<http::Response>;

  Context context_for(const http::Request& request) const;
  // Decides under the write lock, appends, evolves; returns what was decided.
  template <class Decide>
  Result<std::vector<NewEvent>> commit(const http::Request& request, Decide&& decide_fn);
  nlohmann::json meeting_view(const State& s, const Meeting& m) const;

  Response create_venue(http::Request& r);
  Response list_venues(http::Request& r);
  Response get_venue(http::Request& r);
  Response update_venue(http::Request& r);
  Response create_visit(http::Request& r);
  Response list_visits(http::Request& r);
  Response get_visit(http::Request& r);
  Response update_visit(http::Request& r);
  Response create_meeting(http::Request& r);
  Response list_meetings(http::Request& r);
  Response get_meeting(http::Request& r);
  Response update_meeting(http::Request& r);
  Response cancel_meeting(http::Request& r);
  Response programme(http::Request& r, bool ics);
  Response free_slots_of(http::Request& r);

  service::ServiceContext& context_;
  service::Store<State> store_;
  service::api::EventFactory events_;
  Rules rules_;
  WorkingHours hours_;
  // The live half of the delegations view, from where recover() ended.
  service::Follower delegations_;
  // Rendered programmes, valid while the state's revision is unchanged.
  std::mutex render_mutex_;
  std::unordered_map<std::string, std::pair<std::uint64_t, std::string>> rendered_;
};

}  // namespace concord::scheduling
