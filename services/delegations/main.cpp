#include "concord/delegations/service.hpp"
#include "concord/service/host.hpp"

int main() {
  auto spec = *concord::service::find_service("delegations");
  spec.factory = concord::delegations::make_service;
  return concord::service::serve({spec});
}
