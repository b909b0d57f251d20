#include "concord/delegations/service.hpp"

int main() {
  return concord::service::serve({concord::delegations::spec()});
}
