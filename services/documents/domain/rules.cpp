// Reading rules: who sees what, which steps a status allows, the entry-into-force date, the
// bytes a signatory signs, the public snapshot.
#include <algorithm>

#include "documents/domain/decide.hpp"

namespace concord::documents {

bool may_read(const Document& doc, const Actor& actor) {
  if (actor.officer || actor.integrator || actor.country) return true;
  if (!actor.delegation_id) return false;
  return std::find(doc.parties.begin(), doc.parties.end(), *actor.delegation_id) != doc.parties.end();
}

std::vector<std::string> allowed_actions(const Document& doc) {
  switch (doc.status) {
    case DocStatus::draft:
      return {"update", "add_version", "submit", "change_signatories", "set_entry_into_force", "withdraw"};
    case DocStatus::under_approval:
      return {"add_version", "approve", "reject", "agree", "change_signatories", "set_entry_into_force", "withdraw"};
    case DocStatus::rejected:
      return {"update", "add_version", "change_signatories", "set_entry_into_force", "withdraw"};
    case DocStatus::agreed:
      return {"schedule_signing", "change_signatories", "set_entry_into_force", "withdraw"};
    case DocStatus::signing_scheduled:
    case DocStatus::partially_signed:
      return {"sign", "change_signatories", "set_entry_into_force", "withdraw"};
    case DocStatus::signed_:
      return {"set_entry_into_force", "record_notification"};
    case DocStatus::in_force:
    case DocStatus::withdrawn:
      return {};
  }
  return {};
}

std::optional<Days> entry_into_force_date(const Document& doc) {
  if (doc.in_force_on) return doc.in_force_on;
  if (!doc.entry_into_force) return std::nullopt;
  const auto& eif = *doc.entry_into_force;
  switch (eif.rule) {
    case Rule::on_signature:
      return doc.signed_on;
    case Rule::on_date:
      return eif.date;
    case Rule::after_notifications: {
      if (doc.parties.empty()) return std::nullopt;
      Days last{};
      for (const auto& party : doc.parties) {
        auto it = doc.notifications.find(party);
        if (it == doc.notifications.end()) return std::nullopt;
        last = std::max(last, it->second);
      }
      return last + std::chrono::days(eif.days);
    }
  }
  return std::nullopt;
}

bool in_force_due(const Document& doc, Timestamp now) {
  if (doc.status != DocStatus::signed_) return false;
  auto date = entry_into_force_date(doc);
  return date && std::chrono::floor<std::chrono::days>(now) >= *date;
}

Result<std::string> signing_payload(const Document& doc, const std::string& member_id, Timestamp signed_at) {
  if (doc.agreed.empty())
    return fail(
        Error::conflict("the document has no agreed text to sign yet",
                        {{"document_status", to_string(doc.status)}, {"allowed_actions", allowed_actions(doc)}}));
  auto it = std::find_if(doc.signatories.begin(), doc.signatories.end(),
                         [&](const Signatory& s) { return s.member_id == member_id; });
  if (it == doc.signatories.end())
    return fail(Error::validation("/member_id", "the member is not a designated signatory of this document"));
  nlohmann::json agreed = nlohmann::json::object();
  for (const auto& [language, ref] : doc.agreed) agreed[language] = {{"number", ref.number}, {"sha256", ref.sha256}};
  nlohmann::json payload = {{"purpose", contract::kSignaturePurpose},
                            {"document_id", doc.id},
                            {"agreed", std::move(agreed)},
                            {"member_id", member_id},
                            {"delegation_id", it->delegation_id},
                            {"signed_at", format_rfc3339_utc(signed_at)}};
  return payload.dump();
}

namespace {
nlohmann::json time_or_null(const std::optional<Days>& d) {
  return d ? nlohmann::json(format_date(*d)) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json snapshot(const Document& doc) {
  nlohmann::json signatories = nlohmann::json::array();
  for (const auto& s : doc.signatories)
    signatories.push_back({{"delegation_id", s.delegation_id}, {"member_id", s.member_id}});
  nlohmann::json latest = nlohmann::json::object();
  for (const auto& [language, ref] : doc.latest) latest[language] = {{"number", ref.number}, {"sha256", ref.sha256}};
  nlohmann::json signing = nullptr;
  if (doc.signing)
    signing = {{"meeting_id", doc.signing->meeting_id},
               {"start", format_rfc3339_utc(doc.signing->start)},
               {"end", format_rfc3339_utc(doc.signing->end)}};
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& s : doc.signatures)
    signatures.push_back(
        {{"member_id", s.member_id}, {"method", s.method}, {"signed_at", format_rfc3339_utc(s.signed_at)}});
  nlohmann::json eif = nullptr;
  if (doc.entry_into_force) {
    eif = {{"rule", to_string(doc.entry_into_force->rule)}, {"date", time_or_null(entry_into_force_date(doc))}};
    if (doc.entry_into_force->rule == Rule::after_notifications) {
      eif["days"] = doc.entry_into_force->days;
      nlohmann::json notified = nlohmann::json::array();
      for (const auto& [delegation, day] : doc.notifications)
        notified.push_back({{"delegation_id", delegation}, {"notified_on", format_date(day)}});
      eif["notifications"] = std::move(notified);
    }
  }
  return {{"id", doc.id},
          {"visit_id", doc.visit_id},
          {"kind", doc.kind},
          {"title", doc.title},
          {"status", to_string(doc.status)},
          {"parties", doc.parties},
          {"signatories", std::move(signatories)},
          {"languages", doc.languages},
          {"latest_versions", std::move(latest)},
          {"signing", std::move(signing)},
          {"signatures", std::move(signatures)},
          {"entry_into_force", std::move(eif)},
          {"version", doc.version}};
}

}  // namespace concord::documents
