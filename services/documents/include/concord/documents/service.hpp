#pragma once
// The documents service (DESIGN §1, port 8083): documents, versions, approvals, signatures,
// entry into force, on concord.documents.v1.
#include <memory>

#include "concord/service/service.hpp"

namespace concord::documents {

// Reads CONCORD_DOCUMENTS_TICK (default 60s): how often the service checks for documents whose
// entry-into-force date has come (it also checks on every read and write).
std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

}  // namespace concord::documents
