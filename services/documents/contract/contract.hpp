#pragma once
// The documents service's public contract for the other services: the topic it writes and the
// event types they read (docs/event-contract.md describes the events). Every other service
// names these through this header, never as literals. Pure: no I/O.
#include <string_view>

namespace concord::documents::contract {

inline constexpr std::string_view kService = "documents";

inline constexpr std::string_view kTopic = "concord.documents.v1";

// Every event type is kPrefix + "<aggregate>.<verb>".
inline constexpr std::string_view kPrefix = "concord.documents.";
inline constexpr std::string_view kDocumentCreated = "concord.documents.document.created";
inline constexpr std::string_view kDocumentUpdated = "concord.documents.document.updated";
inline constexpr std::string_view kVersionContentAdded = "concord.documents.version.content_added";
inline constexpr std::string_view kVersionAdded = "concord.documents.version.added";
inline constexpr std::string_view kDocumentSubmitted = "concord.documents.document.submitted";
inline constexpr std::string_view kApprovalRecorded = "concord.documents.approval.recorded";
inline constexpr std::string_view kDocumentRejected = "concord.documents.document.rejected";
inline constexpr std::string_view kDocumentAgreed = "concord.documents.document.agreed";
inline constexpr std::string_view kSigningScheduled = "concord.documents.signing.scheduled";
inline constexpr std::string_view kSigningRescheduled = "concord.documents.signing.rescheduled";
inline constexpr std::string_view kSigningCancelled = "concord.documents.signing.cancelled";
inline constexpr std::string_view kSignatureRecorded = "concord.documents.signature.recorded";
inline constexpr std::string_view kSignatoryChanged = "concord.documents.signatory.changed";
inline constexpr std::string_view kDocumentSigned = "concord.documents.document.signed";
inline constexpr std::string_view kEntryIntoForceSet = "concord.documents.entry_into_force.set";
inline constexpr std::string_view kPartyNotificationRecorded = "concord.documents.party_notification.recorded";
inline constexpr std::string_view kDocumentInForce = "concord.documents.document.in_force";
inline constexpr std::string_view kDocumentWithdrawn = "concord.documents.document.withdrawn";

// The purpose every signature's signed payload names (docs/api: how to sign a document).
inline constexpr std::string_view kSignaturePurpose = "concord.documents.signature.v1";

}  // namespace concord::documents::contract
