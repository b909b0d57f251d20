#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"

namespace concord::notifications::api {

Actor actor_of(const http::Request& request) {
  const auth::Principal& p = request.who();
  Actor a;
  a.subject = p.subject;
  a.officer = service::api::is_officer(p);
  a.integrator = p.has(auth::Role::integrator);
  a.admin = p.has(auth::Role::admin);
  if (p.has(auth::Role::delegation_member)) a.member_id = p.member_id;
  return a;
}

}  // namespace concord::notifications::api
