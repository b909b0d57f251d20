#include "documents/domain/snapshot.hpp"

#include "concord/core/binary.hpp"

namespace concord::documents {

namespace {

using binary::Reader;
using binary::Writer;

constexpr std::uint32_t kMagic = 0x444f4331;  // "DOC1"

void put_refs(Writer& w, const std::map<std::string, VersionRef>& refs) {
  w.count(refs.size());
  for (const auto& [language, ref] : refs) {
    w.str(language);
    w.i64(ref.number);
    w.str(ref.sha256);
  }
}
std::map<std::string, VersionRef> get_refs(Reader& r) {
  std::map<std::string, VersionRef> refs;
  for (auto n = r.count(); n > 0; --n) {
    auto language = r.str();
    VersionRef ref;
    ref.number = r.i64();
    ref.sha256 = r.str();
    refs.emplace_hint(refs.end(), std::move(language), std::move(ref));
  }
  return refs;
}

void put(Writer& w, const Document& d) {
  w.str(d.id);
  w.str(d.visit_id);
  w.str(d.kind);
  w.string_map(d.title);
  w.enumerator(d.status);
  w.strings(d.parties);
  w.count(d.signatories.size());
  for (const auto& s : d.signatories) {
    w.str(s.delegation_id);
    w.str(s.member_id);
  }
  w.strings(d.languages);
  w.count(d.versions.size());
  for (const auto& v : d.versions) {
    w.i64(v.number);
    w.str(v.language);
    w.str(v.sha256);
    w.u64(v.size);
    w.boolean(v.content != nullptr);
    if (v.content) w.str(*v.content);
    w.boolean(v.intact);
    w.time(v.created_at);
    w.str(v.created_by);
  }
  put_refs(w, d.latest);
  w.count(d.approvals.size());
  for (const auto& [delegation, a] : d.approvals) {
    w.str(delegation);
    w.str(a.decision);
    w.str(a.comment);
    w.count(a.versions.size());
    for (const auto& [language, number] : a.versions) {
      w.str(language);
      w.i64(number);
    }
    w.time(a.at);
    w.str(a.by);
  }
  put_refs(w, d.agreed);
  w.opt_time(d.agreed_at);
  w.boolean(d.signing.has_value());
  if (d.signing) {
    w.str(d.signing->meeting_id);
    w.time(d.signing->start);
    w.time(d.signing->end);
  }
  w.str(d.signing_cancel_reason);
  w.count(d.signatures.size());
  for (const auto& s : d.signatures) {
    w.str(s.member_id);
    w.str(s.delegation_id);
    w.str(s.method);
    w.time(s.signed_at);
    w.str(s.place);
    w.str(s.signature);
    w.str(s.recorded_by);
  }
  w.opt_day(d.signed_on);
  w.boolean(d.entry_into_force.has_value());
  if (d.entry_into_force) {
    w.enumerator(d.entry_into_force->rule);
    w.opt_day(d.entry_into_force->date);
    w.i64(d.entry_into_force->days);
  }
  w.count(d.notifications.size());
  for (const auto& [delegation, day] : d.notifications) {
    w.str(delegation);
    w.day(day);
  }
  w.opt_day(d.in_force_on);
  w.str(d.withdraw_reason);
  w.str(d.reject_comment);
  w.time(d.created_at);
  w.time(d.updated_at);
  w.i64(d.version);
  w.str(d.head_hash);
  w.count(d.audit.size());
  for (const auto& a : d.audit) {
    w.i64(a.sequence);
    w.str(a.event_id);
    w.str(a.type);
    w.time(a.time);
    w.str(a.actor);
    w.str(a.previous_hash);
    w.str(a.hash);
    w.str(a.computed_hash);
  }
  w.count(d.pending_content.size());
  for (const auto& [number, chunks] : d.pending_content) {
    w.i64(number);
    w.str(chunks);
  }
}

Document get_document(Reader& r) {
  Document d;
  d.id = r.str();
  d.visit_id = r.str();
  d.kind = r.str();
  d.title = r.string_map();
  d.status = r.enumerator(DocStatus::withdrawn);
  d.parties = r.strings();
  for (auto n = r.count(); n > 0; --n) {
    Signatory s;
    s.delegation_id = r.str();
    s.member_id = r.str();
    d.signatories.push_back(std::move(s));
  }
  d.languages = r.strings();
  for (auto n = r.count(); n > 0; --n) {
    Version v;
    v.number = r.i64();
    v.language = r.str();
    v.sha256 = r.str();
    v.size = static_cast<size_t>(r.u64());
    if (r.boolean()) v.content = std::make_shared<const std::string>(r.str());
    v.intact = r.boolean();
    v.created_at = r.time();
    v.created_by = r.str();
    d.versions.push_back(std::move(v));
  }
  d.latest = get_refs(r);
  for (auto n = r.count(); n > 0; --n) {
    auto delegation = r.str();
    Approval a;
    a.decision = r.str();
    a.comment = r.str();
    for (auto k = r.count(); k > 0; --k) {
      auto language = r.str();
      a.versions[language] = r.i64();
    }
    a.at = r.time();
    a.by = r.str();
    d.approvals.emplace_hint(d.approvals.end(), std::move(delegation), std::move(a));
  }
  d.agreed = get_refs(r);
  d.agreed_at = r.opt_time();
  if (r.boolean()) {
    Signing s;
    s.meeting_id = r.str();
    s.start = r.time();
    s.end = r.time();
    d.signing = std::move(s);
  }
  d.signing_cancel_reason = r.str();
  for (auto n = r.count(); n > 0; --n) {
    Signature s;
    s.member_id = r.str();
    s.delegation_id = r.str();
    s.method = r.str();
    s.signed_at = r.time();
    s.place = r.str();
    s.signature = r.str();
    s.recorded_by = r.str();
    d.signatures.push_back(std::move(s));
  }
  d.signed_on = r.opt_day();
  if (r.boolean()) {
    EntryIntoForce e;
    e.rule = r.enumerator(Rule::after_notifications);
    e.date = r.opt_day();
    e.days = static_cast<int>(r.i64());
    d.entry_into_force = e;
  }
  for (auto n = r.count(); n > 0; --n) {
    auto delegation = r.str();
    d.notifications.emplace_hint(d.notifications.end(), std::move(delegation), r.day());
  }
  d.in_force_on = r.opt_day();
  d.withdraw_reason = r.str();
  d.reject_comment = r.str();
  d.created_at = r.time();
  d.updated_at = r.time();
  d.version = r.i64();
  d.head_hash = r.str();
  for (auto n = r.count(); n > 0; --n) {
    AuditEntry a;
    a.sequence = r.i64();
    a.event_id = r.str();
    a.type = r.str();
    a.time = r.time();
    a.actor = r.str();
    a.previous_hash = r.str();
    a.hash = r.str();
    a.computed_hash = r.str();
    d.audit.push_back(std::move(a));
  }
  for (auto n = r.count(); n > 0; --n) {
    auto number = r.i64();
    d.pending_content.emplace_hint(d.pending_content.end(), number, r.str());
  }
  return d;
}

}  // namespace

std::string encode_state(const State& s) {
  Writer w;
  w.mark(kMagic);
  w.count(s.documents.size());
  for (const auto& [id, d] : s.documents) put(w, d);
  w.strings(s.order);
  w.count(s.by_visit.size());
  for (const auto& [visit, ids] : s.by_visit) {
    w.str(visit);
    w.strings(std::vector<std::string>(ids.begin(), ids.end()));
  }
  w.count(s.by_status.size());
  for (const auto& [status, ids] : s.by_status) {
    w.enumerator(status);
    w.strings(std::vector<std::string>(ids.begin(), ids.end()));
  }
  w.each(s.members, [](Writer& out, const auto& entry) { delegations::contract::encode(out, entry.second); });
  w.each(s.delegations, [](Writer& out, const auto& entry) { delegations::contract::encode(out, entry.second); });
  w.each(s.meetings, [](Writer& out, const auto& entry) { scheduling::contract::encode(out, entry.second); });
  auth::encode_links(w, s.identities);
  w.mark(kMagic);
  return w.take();
}

State decode_state(std::string_view bytes) {
  Reader r(bytes);
  State s;
  r.mark(kMagic);
  for (auto n = r.count(); n > 0; --n) {
    auto d = get_document(r);
    s.documents.emplace_hint(s.documents.end(), d.id, std::move(d));
  }
  s.order = r.strings();
  for (auto n = r.count(); n > 0; --n) {
    auto visit = r.str();
    auto ids = r.strings();
    s.by_visit.emplace_hint(s.by_visit.end(), std::move(visit), std::set<std::string>(ids.begin(), ids.end()));
  }
  for (auto n = r.count(); n > 0; --n) {
    auto status = r.enumerator(DocStatus::withdrawn);
    auto ids = r.strings();
    s.by_status.emplace_hint(s.by_status.end(), status, std::set<std::string>(ids.begin(), ids.end()));
  }
  r.each([&](Reader& in) {
    auto m = delegations::contract::decode_member_view(in);
    s.members.emplace_hint(s.members.end(), m.id, std::move(m));
  });
  r.each([&](Reader& in) {
    auto d = delegations::contract::decode_delegation_view(in);
    s.delegations.emplace_hint(s.delegations.end(), d.id, std::move(d));
  });
  r.each([&](Reader& in) {
    auto m = scheduling::contract::decode_meeting_view(in);
    s.meetings.emplace_hint(s.meetings.end(), m.id, std::move(m));
  });
  s.identities = auth::decode_links(r);
  r.mark(kMagic);
  if (!r.done()) throw binary::Malformed("bytes after the end of the state");
  return s;
}

}  // namespace concord::documents
