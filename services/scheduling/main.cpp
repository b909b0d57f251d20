#include "concord/scheduling/service.hpp"

int main() {
  return concord::service::serve({concord::scheduling::spec()});
}
