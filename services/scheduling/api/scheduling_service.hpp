#pragma once
// The HTTP shell around the scheduling domain: parse → authorize → decide (through the Store,
// so writers are serialized) → append → evolve → render. The delegations view is replayed in
// recover() and kept current by the follower of runtime/ that start() starts.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "concord/service/api.hpp"
#include "concord/service/service.hpp"
#include "concord/service/store.hpp"
#include "scheduling/domain/decide.hpp"
#include "scheduling/domain/programme.hpp"
#include "scheduling/runtime/delegations_follower.hpp"

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
  Result<Decision> commit(const http::Request& request, Decide&& decide_fn);
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
  // Calendar feeds (api/feed_routes.cpp).
  Response create_feed(http::Request& r);
  Response list_feeds(http::Request& r);
  Response revoke_feed(http::Request& r);
  Response feed_calendar(http::Request& r);
  // The programme as JSON or ICS, cached until the state's revision changes.
  std::string render_programme(const State& s, const Visit& visit, const ProgrammeQuery& q, bool ics);

  service::ServiceContext& context_;
  service::Store<State> store_;
  service::api::EventFactory events_;
  Rules rules_;
  WorkingHours hours_;
  // The live half of the delegations view, from where recover() ended.
  DelegationsFollower delegations_;
  // Rendered programmes, valid while the state's revision is unchanged.
  std::mutex render_mutex_;
  std::unordered_map<std::string, std::pair<std::uint64_t, std::string>> rendered_;
};

// Here rather than in a .cpp: routes.cpp and feed_routes.cpp both commit.
template <class Decide>
Result<Decision> SchedulingService::commit(const http::Request& request, Decide&& decide_fn) {
  Decision decided;
  auto cause = service::api::cause_of(request);
  auto written = store_.write([&](const State& s) -> Result<std::vector<service::Append>> {
    Result<Decision> d = decide_fn(s, context_for(request));
    if (!d) return fail(d.error());
    std::vector<service::Append> out;
    for (const auto& e : *d) {
      if (out.empty() || out.back().key != e.key || out.back().topic != e.topic)
        out.push_back({std::string(e.topic), e.key, {}});
      out.back().events.push_back(events_.make(e.type, e.subject, e.sequence, e.data, cause));
    }
    decided = std::move(*d);
    return out;
  });
  if (!written) return fail(written.error());
  return decided;
}

}  // namespace concord::scheduling
