#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"

namespace concord::notifications::api {

Actor actor_of(const http::Request& request) {
  const auth::Principal& p = request.who();
  auto a = service::api::actor_from<Actor>(p);
  a.admin = p.has(auth::Role::admin);
  return a;
}

}  // namespace concord::notifications::api
