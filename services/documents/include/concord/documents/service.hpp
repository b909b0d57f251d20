#pragma once
// The documents service (DESIGN §1, port 8083): documents, versions, approvals, signatures,
// entry into force, on concord.documents.v1.
#include <memory>

#include "concord/service/host.hpp"
#include "concord/service/service.hpp"

namespace concord::documents {

// Reads CONCORD_DOCUMENTS_TICK (default 60s): how often the service checks for documents whose
// entry-into-force date has come (it also checks on every read and write).
std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

// The service as the host runs it: its name, its default address (8083) and the variable
// that sets it (CONCORD_DOCUMENTS_ADDR), the topics it writes, and make_service.
service::ServiceSpec spec();

}  // namespace concord::documents
