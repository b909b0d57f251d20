#include "concord/notifications/service.hpp"

int main() {
  return concord::service::serve({concord::notifications::spec()});
}
