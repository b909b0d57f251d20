// evolve: applies one event of concord.documents.v1 to the state; the same code runs after an
// append and on replay. It reads only the event-specific fields (the snapshot is for
// consumers), and records every event in the document's audit chain as it was read.
#include <algorithm>

#include "concord/core/json_read.hpp"
#include "concord/crypto/crypto.hpp"
#include "documents/domain/decide.hpp"
#include "scheduling/contract/contract.hpp"

namespace concord::documents {

using namespace json_read;

namespace {

std::string document_id_of(const Recorded& event) {
  if (event.subject.starts_with("document/")) return event.subject.substr(9);
  return {};
}

void apply_created(Document& doc, const nlohmann::json& d) {
  const auto& snap = obj(d, "document");
  doc.visit_id = str(snap, "visit_id");
  doc.kind = str(snap, "kind");
  for (const auto& [language, text] : obj(snap, "title").items())
    if (text.is_string()) doc.title[language] = text.get<std::string>();
  doc.parties = strings(snap, "parties");
  doc.languages = strings(snap, "languages");
  if (auto it = snap.find("signatories"); it != snap.end() && it->is_array())
    for (const auto& s : *it) doc.signatories.push_back({str(s, "delegation_id"), str(s, "member_id")});
  doc.status = DocStatus::draft;
}

void apply_version(Document& doc, const Recorded& event) {
  const auto& d = event.data;
  Version v;
  v.number = num(d, "number");
  v.language = str(d, "language");
  v.sha256 = str(d, "sha256");
  v.size = static_cast<size_t>(std::max<long long>(0, num(d, "size")));
  std::string content;
  if (auto it = doc.pending_content.find(v.number); it != doc.pending_content.end()) {
    content = std::move(it->second);
    doc.pending_content.erase(it);
  }
  v.intact = content.size() == v.size && crypto::sha256_hex(content) == v.sha256;
  v.content = std::make_shared<const std::string>(std::move(content));
  v.created_at = event.time;
  v.created_by = event.actor;
  doc.latest[v.language] = {v.number, v.sha256};
  doc.versions_by_language[v.language].push_back(doc.versions.size());
  doc.versions.push_back(std::move(v));
  if (doc.status == DocStatus::rejected) doc.status = DocStatus::draft;
}

void apply_signature(Document& doc, const Recorded& event) {
  const auto& d = event.data;
  Signature s;
  s.member_id = str(d, "member_id");
  s.delegation_id = str(d, "delegation_id");
  s.method = str(d, "method");
  s.signed_at = time(d, "signed_at").value_or(event.time);
  s.place = str(d, "place");
  s.signature = str(d, "signature");
  s.recorded_by = event.actor;
  if (doc.signature_of(s.member_id)) return;
  doc.signatures.push_back(std::move(s));
  if (doc.status == DocStatus::signing_scheduled) doc.status = DocStatus::partially_signed;
}

void apply_signatories(Document& doc, const nlohmann::json& d) {
  auto delegation = str(d, "delegation_id");
  auto removed = strings(d, "removed");
  std::erase_if(doc.signatories, [&](const Signatory& s) {
    return s.delegation_id == delegation && std::find(removed.begin(), removed.end(), s.member_id) != removed.end();
  });
  for (const auto& m : strings(d, "added"))
    if (!doc.is_signatory(m)) doc.signatories.push_back({delegation, m});
}

void apply_entry_into_force(Document& doc, const nlohmann::json& d) {
  EntryIntoForce eif;
  auto rule = str(d, "rule");
  eif.rule = rule == "on_date"               ? Rule::on_date
             : rule == "after_notifications" ? Rule::after_notifications
                                             : Rule::on_signature;
  if (eif.rule == Rule::on_date) eif.date = date(d, "date");
  eif.days = static_cast<int>(num(d, "days"));
  doc.entry_into_force = eif;
}

}  // namespace

void evolve(State& state, const Recorded& event) {
  auto id = document_id_of(event);
  if (id.empty()) return;
  auto found = state.documents.find(id);
  if (event.type == contract::kDocumentCreated) {
    if (found != state.documents.end()) return;  // a duplicate creation is an orphan
    found = state.documents.emplace(id, Document{}).first;
    found->second.id = id;
    state.order.push_back(id);
  }
  if (found == state.documents.end()) return;  // an event of a document never created: an orphan
  auto status_before = found->second.status;
  evolve_document(found->second, event);
  const Document& doc = found->second;
  if (event.type == contract::kDocumentCreated) {
    state.by_visit[doc.visit_id].insert(id);
    state.by_status[doc.status].insert(id);
    state.by_visit_status[{doc.visit_id, doc.status}].insert(id);
    for (const auto& party : doc.parties) state.by_party[party].insert(id);
  } else if (doc.status != status_before) {
    state.by_status[status_before].erase(id);
    state.by_status[doc.status].insert(id);
    auto before = state.by_visit_status.find({doc.visit_id, status_before});
    if (before != state.by_visit_status.end() && before->second.erase(id) && before->second.empty())
      state.by_visit_status.erase(before);
    state.by_visit_status[{doc.visit_id, doc.status}].insert(id);
  }
}

void reindex(State& state) {
  state.by_visit_status.clear();
  state.by_party.clear();
  for (auto& [id, doc] : state.documents) {
    state.by_visit_status[{doc.visit_id, doc.status}].insert(id);
    for (const auto& party : doc.parties) state.by_party[party].insert(id);
    doc.versions_by_language.clear();
    for (size_t i = 0; i < doc.versions.size(); ++i) doc.versions_by_language[doc.versions[i].language].push_back(i);
  }
}

void evolve_document(Document& doc, const Recorded& event) {
  doc.rendered.clear();  // changed in place below
  const auto& d = event.data;
  if (event.type == contract::kDocumentCreated) doc.created_at = event.time;

  doc.audit.push_back(AuditEntry{event.sequence, event.id, event.type, event.time, event.actor, str(d, "previous_hash"),
                                 str(d, "hash"), chain_hash(event)});
  doc.head_hash = str(d, "hash");
  doc.version = std::max(doc.version + 1, event.sequence);
  doc.updated_at = event.time;

  const std::string& t = event.type;
  if (t == contract::kDocumentCreated) {
    apply_created(doc, d);
  } else if (t == contract::kDocumentUpdated) {
    const auto& title = obj(d, "title");
    if (!title.empty()) {
      doc.title.clear();
      for (const auto& [language, text] : title.items())
        if (text.is_string()) doc.title[language] = text.get<std::string>();
    }
  } else if (t == contract::kVersionContentAdded) {
    doc.pending_content[num(d, "number")] += str(d, "content");
  } else if (t == contract::kVersionAdded) {
    apply_version(doc, event);
  } else if (t == contract::kDocumentSubmitted) {
    doc.status = DocStatus::under_approval;
    doc.approvals.clear();
  } else if (t == contract::kApprovalRecorded) {
    Approval a;
    a.decision = str(d, "decision");
    a.comment = str(d, "comment");
    for (const auto& [language, number] : obj(d, "versions").items())
      if (number.is_number_integer()) a.versions[language] = number.get<long long>();
    a.at = event.time;
    a.by = event.actor;
    doc.approvals[str(d, "delegation_id")] = std::move(a);
  } else if (t == contract::kDocumentRejected) {
    doc.status = DocStatus::rejected;
    doc.reject_comment = str(d, "comment");
  } else if (t == contract::kDocumentAgreed) {
    doc.status = DocStatus::agreed;
    doc.agreed.clear();
    for (const auto& [language, ref] : obj(d, "agreed_versions").items())
      doc.agreed[language] = {num(ref, "number"), str(ref, "sha256")};
    doc.agreed_at = event.time;
  } else if (t == contract::kSigningScheduled || t == contract::kSigningRescheduled) {
    doc.signing =
        Signing{str(d, "meeting_id"), time(d, "start").value_or(Timestamp{}), time(d, "end").value_or(Timestamp{})};
    doc.signing_cancel_reason.clear();
    if (t == contract::kSigningScheduled)
      doc.status = doc.signatures.empty() ? DocStatus::signing_scheduled : DocStatus::partially_signed;
  } else if (t == contract::kSigningCancelled) {
    doc.signing.reset();
    doc.signing_cancel_reason = str(d, "reason");
    if (doc.status == DocStatus::signing_scheduled || doc.status == DocStatus::partially_signed)
      doc.status = DocStatus::agreed;
  } else if (t == contract::kSignatureRecorded) {
    apply_signature(doc, event);
  } else if (t == contract::kSignatoryChanged) {
    apply_signatories(doc, d);
  } else if (t == contract::kDocumentSigned) {
    doc.status = DocStatus::signed_;
    doc.signed_on = date(d, "signed_on");
  } else if (t == contract::kEntryIntoForceSet) {
    apply_entry_into_force(doc, d);
  } else if (t == contract::kPartyNotificationRecorded) {
    if (auto day = date(d, "notified_on")) doc.notifications[str(d, "delegation_id")] = *day;
  } else if (t == contract::kDocumentInForce) {
    doc.status = DocStatus::in_force;
    doc.in_force_on = date(d, "date");
  } else if (t == contract::kDocumentWithdrawn) {
    doc.status = DocStatus::withdrawn;
    doc.withdraw_reason = str(d, "reason");
  }
}

void apply_delegations_event(State& state, const std::string& type, const nlohmann::json& data) {
  delegations::contract::apply_public(state.delegations, state.members, type, data);
}

void apply_scheduling_event(State& state, const std::string& type, const nlohmann::json& data) {
  scheduling::contract::apply_public(state.meetings, type, data);
}

}  // namespace concord::documents
