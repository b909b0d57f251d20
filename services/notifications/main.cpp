#include "concord/notifications/service.hpp"
#include "concord/service/host.hpp"

int main() {
  auto spec = *concord::service::find_service("notifications");
  spec.factory = concord::notifications::make_service;
  return concord::service::serve({spec});
}
