#include "concord/scheduling/service.hpp"
#include "concord/service/host.hpp"

int main() {
  auto spec = *concord::service::find_service("scheduling");
  spec.factory = concord::scheduling::make_service;
  return concord::service::serve({spec});
}
