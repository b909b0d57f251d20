#include "concord/documents/service.hpp"
#include "concord/service/host.hpp"

int main() {
  auto spec = *concord::service::find_service("documents");
  spec.factory = concord::documents::make_service;
  return concord::service::serve({spec});
}
