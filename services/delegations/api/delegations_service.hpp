#pragma once
// The delegations service's shell: the Store over both topics, the write path every handler
// shares (decide → If-Match → append private, then public → evolve), the roster in the cache.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "concord/service/api.hpp"
#include "concord/service/service.hpp"
#include "concord/service/store.hpp"
#include "delegations/domain/decide.hpp"

namespace concord::delegations {

class DelegationsService final : public service::Service {
 public:
  explicit DelegationsService(service::ServiceContext& context);
  ~DelegationsService() override;

  void mount(http::Router& router) override;  // routes.cpp
  Status recover() override;

 private:
  // The version If-Match is checked against, from the state the decision was taken on;
  // nullopt when the aggregate does not exist (decide then says 404).
  using VersionOf = std::function<std::optional<long long>(const State&)>;

  // Decides `command` for the caller, checks If-Match against `version_of`, appends what was
  // decided and applies it. The roster of the delegation is then refreshed in the cache.
  template <class Command>
  Result<Decision> write(http::Request& request, const Command& command, VersionOf version_of);

  std::vector<service::Append> appends_of(const Decision& decision, const service::api::Cause& cause) const;
  // Writes the delegation's roster to the cache (best effort: the cache is never required).
  void publish_roster(const std::string& delegation_id);
  // Asks the publisher thread to write the roster soon. Requests for one delegation coalesce:
  // a burst of writes to a roster of thousands renders it a few times, not once per write,
  // and no request waits for it.
  void request_roster(const std::string& delegation_id);
  void publish_requested_rosters();
  // Rebuilds the roster in the cache when it is missing there.
  void ensure_roster(const std::string& delegation_id);

  // Handlers (routes.cpp).
  Result<http::Response> register_delegation(http::Request& request);
  Result<http::Response> list_delegations(http::Request& request);
  Result<http::Response> get_delegation(http::Request& request);
  Result<http::Response> update_delegation(http::Request& request);
  Result<http::Response> add_member(http::Request& request);
  Result<http::Response> list_members(http::Request& request);
  Result<http::Response> get_member(http::Request& request);
  Result<http::Response> update_member(http::Request& request);
  Result<http::Response> withdraw_member(http::Request& request);
  Result<http::Response> accreditation(http::Request& request);
  Result<http::Response> put_travel(http::Request& request);
  Result<http::Response> get_travel(http::Request& request);
  Result<http::Response> put_identity(http::Request& request);  // identity_routes.cpp
  Result<http::Response> get_identity(http::Request& request);
  Result<http::Response> delete_identity(http::Request& request);
  Result<http::Response> create_invitation(http::Request& request);
  Result<http::Response> redeem_invitation(http::Request& request);
  Result<http::Response> get_me(http::Request& request);
  // Puts the caller's principal right against the state (the member linked to their identity,
  // the delegation of their member); a caller who acts for nobody may only redeem.
  Status resolve(http::Request& request, bool redeeming);
  Result<http::Response> member_response(http::Request& request, const std::string& id, int status,
                                         std::string location = {});

  service::ServiceContext& context_;
  service::Store<State> store_;
  service::api::EventFactory factory_;
  std::mutex cache_mutex_;  // roster writes, so a newer roster is never overwritten by an older one
  std::mutex requested_mutex_;
  std::condition_variable requested_cv_;
  std::set<std::string> requested_;  // rosters to write
  std::set<std::string> to_check_;   // rosters to write if missing from the cache
  std::map<std::string, std::chrono::steady_clock::time_point> last_checked_;
  bool stopping_ = false;
  std::thread publisher_;  // last: started once everything it uses exists
};

Actor actor_of(const http::Request& request);

}  // namespace concord::delegations
