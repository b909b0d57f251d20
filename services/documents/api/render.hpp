#pragma once
// What the documents API answers with: the document as a client sees it (the contract's
// snapshot plus its details), versions, the audit chain and the certificate of completion.
#include <nlohmann/json.hpp>

#include "concord/core/time.hpp"
#include "documents/domain/decide.hpp"

namespace concord::documents {

nlohmann::json render_document(const Document& doc);
nlohmann::json render_version(const Version& v, bool with_content);
nlohmann::json render_audit(const Document& doc);
nlohmann::json render_certificate(const Document& doc, Timestamp issued_at);

}  // namespace concord::documents
