#include "concord/documents/service.hpp"

int main() {
  return concord::service::serve({concord::documents::spec()});
}
