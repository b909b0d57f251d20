#pragma once
// The delegations service's object: the Store over both topics, the write path every handler
// shares (decide → If-Match → append private, then public → evolve), and the roster publisher of
// runtime/ wired to it.
#include <functional>
#include <string>

#include "concord/service/api.hpp"
#include "concord/service/service.hpp"
#include "concord/service/store.hpp"
#include "delegations/domain/decide.hpp"
#include "delegations/runtime/roster_publisher.hpp"

namespace concord::delegations {

class DelegationsService final : public service::Service {
 public:
  explicit DelegationsService(service::ServiceContext& context);

  void mount(http::Router& router) override;  // routes.cpp
  Status recover() override;

 private:
  // The version If-Match is checked against, from the state the decision was taken on;
  // nullopt when the aggregate does not exist (decide then says 404).
  using VersionOf = std::function<std::optional<long long>(const State&)>;

  // Decides `command` for the caller, checks If-Match against `version_of`, appends what was
  // decided and applies it. The roster of the delegation is then refreshed in the cache.
  template <class Command>
  Result<Decision> commit(http::Request& request, const Command& command, VersionOf version_of);

  std::vector<service::Append> appends_of(const Decision& decision, const service::api::Cause& cause) const;

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
  service::api::EventFactory events_;
  RosterPublisher rosters_;  // after the store it reads
};

Actor actor_of(const http::Request& request);

}  // namespace concord::delegations
