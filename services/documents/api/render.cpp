#include "documents/api/render.hpp"

namespace concord::documents {

namespace {
nlohmann::json day_or_null(const std::optional<Days>& d) {
  return d ? nlohmann::json(format_date(*d)) : nlohmann::json(nullptr);
}

nlohmann::json refs(const std::map<std::string, VersionRef>& m) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [language, ref] : m) out[language] = {{"number", ref.number}, {"sha256", ref.sha256}};
  return out;
}

nlohmann::json signature_json(const Signature& s) {
  return {{"member_id", s.member_id},
          {"delegation_id", s.delegation_id},
          {"method", s.method},
          {"signed_at", format_rfc3339_utc(s.signed_at)},
          {"place", s.place.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.place)},
          {"signature", s.signature.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.signature)},
          {"recorded_by", s.recorded_by}};
}
}  // namespace

nlohmann::json render_document(const Document& doc) {
  nlohmann::json out = snapshot(doc);
  out["allowed_actions"] = allowed_actions(doc);
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& v : doc.versions) versions.push_back(render_version(v, false));
  out["versions"] = std::move(versions);
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& party : doc.parties) {
    auto it = doc.approvals.find(party);
    if (it == doc.approvals.end()) continue;
    const auto& a = it->second;
    bool current = a.decision == "approve";
    for (const auto& language : doc.languages) {
      auto latest = doc.latest.find(language);
      auto approved = a.versions.find(language);
      if (latest == doc.latest.end() || approved == a.versions.end() || approved->second != latest->second.number)
        current = false;
    }
    approvals.push_back({{"delegation_id", party},
                         {"decision", a.decision},
                         {"comment", a.comment},
                         {"versions", a.versions},
                         {"at", format_rfc3339_utc(a.at)},
                         {"covers_latest_versions", current}});
  }
  out["approvals"] = std::move(approvals);
  out["agreed_versions"] = doc.agreed.empty() ? nlohmann::json(nullptr) : refs(doc.agreed);
  out["agreed_at"] = doc.agreed_at ? nlohmann::json(format_rfc3339_utc(*doc.agreed_at)) : nlohmann::json(nullptr);
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& s : doc.signatures) signatures.push_back(signature_json(s));
  out["signatures"] = std::move(signatures);
  out["signed_on"] = day_or_null(doc.signed_on);
  out["in_force_on"] = day_or_null(doc.in_force_on);
  if (!doc.signing_cancel_reason.empty()) out["signing_cancelled_reason"] = doc.signing_cancel_reason;
  if (!doc.reject_comment.empty()) out["rejection_comment"] = doc.reject_comment;
  if (!doc.withdraw_reason.empty()) out["withdrawal_reason"] = doc.withdraw_reason;
  out["created_at"] = format_rfc3339_utc(doc.created_at);
  out["updated_at"] = format_rfc3339_utc(doc.updated_at);
  out["audit_head"] = doc.head_hash;
  return out;
}

nlohmann::json render_version(const Version& v, bool with_content) {
  nlohmann::json out = {{"number", v.number},        {"language", v.language},
                        {"sha256", v.sha256},        {"size", v.size},
                        {"intact", v.intact},        {"created_at", format_rfc3339_utc(v.created_at)},
                        {"created_by", v.created_by}};
  if (with_content) out["content"] = v.content ? *v.content : std::string();
  return out;
}

nlohmann::json render_audit(const Document& doc) {
  auto verdict = verify_chain(doc);
  nlohmann::json events = nlohmann::json::array();
  bool before_break = true;
  for (const auto& e : doc.audit) {
    if (verdict.broken_at && e.sequence == *verdict.broken_at && e.event_id == verdict.event_id) before_break = false;
    events.push_back({{"sequence", e.sequence},
                      {"event_id", e.event_id},
                      {"type", e.type},
                      {"time", format_rfc3339_utc(e.time)},
                      {"actor", e.actor},
                      {"previous_hash", e.previous_hash},
                      {"hash", e.hash},
                      {"computed_hash", e.computed_hash},
                      {"verified", before_break}});
  }
  nlohmann::json broken = nullptr;
  if (!verdict.valid)
    broken = {{"sequence", *verdict.broken_at}, {"event_id", verdict.event_id}, {"reason", verdict.reason}};
  return {{"document_id", doc.id},
          {"valid", verdict.valid},
          {"broken_at", std::move(broken)},
          {"length", doc.audit.size()},
          {"head", doc.head_hash},
          {"algorithm",
           "SHA-256 over the canonical JSON {id, type, subject, sequence, time, actor, data without hash}: "
           "keys sorted, no whitespace; the first event's previous_hash is 64 zeros"},
          {"events", std::move(events)}};
}

nlohmann::json render_certificate(const Document& doc, Timestamp issued_at) {
  auto verdict = verify_chain(doc);
  nlohmann::json signatories = nlohmann::json::array();
  for (const auto& s : doc.signatures) signatories.push_back(signature_json(s));
  nlohmann::json eif = nullptr;
  if (doc.entry_into_force)
    eif = {{"rule", to_string(doc.entry_into_force->rule)}, {"date", day_or_null(entry_into_force_date(doc))}};
  return {{"document_id", doc.id},
          {"title", doc.title},
          {"kind", doc.kind},
          {"status", to_string(doc.status)},
          {"parties", doc.parties},
          {"agreed_text", refs(doc.agreed)},
          {"agreed_at", doc.agreed_at ? nlohmann::json(format_rfc3339_utc(*doc.agreed_at)) : nlohmann::json(nullptr)},
          {"signatures", std::move(signatories)},
          {"signed_on", day_or_null(doc.signed_on)},
          {"entry_into_force", std::move(eif)},
          {"in_force_on", day_or_null(doc.in_force_on)},
          {"audit", {{"head", doc.head_hash}, {"length", doc.audit.size()}, {"valid", verdict.valid}}},
          {"issued_at", format_rfc3339_utc(issued_at)}};
}

}  // namespace concord::documents
