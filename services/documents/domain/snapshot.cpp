#include "documents/domain/snapshot.hpp"

#include "concord/core/binary.hpp"

namespace concord::documents {

namespace {

using binary::Reader;
using binary::Writer;

constexpr std::uint32_t kMagic = 0x444f4331;  // "DOC1"

void put_time(Writer& w, Timestamp t) {
  w.i64(t.time_since_epoch().count());
}
Timestamp get_time(Reader& r) {
  return Timestamp{std::chrono::milliseconds{r.i64()}};
}
void put_opt_time(Writer& w, const std::optional<Timestamp>& t) {
  w.boolean(t.has_value());
  if (t) put_time(w, *t);
}
std::optional<Timestamp> get_opt_time(Reader& r) {
  if (!r.boolean()) return std::nullopt;
  return get_time(r);
}
void put_day(Writer& w, Days d) {
  w.i64(d.time_since_epoch().count());
}
Days get_day(Reader& r) {
  return Days{std::chrono::days{r.i64()}};
}
void put_opt_day(Writer& w, const std::optional<Days>& d) {
  w.boolean(d.has_value());
  if (d) put_day(w, *d);
}
std::optional<Days> get_opt_day(Reader& r) {
  if (!r.boolean()) return std::nullopt;
  return get_day(r);
}
template <class E>
E get_enum(Reader& r, E last) {
  auto v = r.u8();
  if (v > static_cast<std::uint8_t>(last)) throw binary::Malformed("an enumerator out of range");
  return static_cast<E>(v);
}
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
  w.u8(static_cast<std::uint8_t>(d.status));
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
    put_time(w, v.created_at);
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
    put_time(w, a.at);
    w.str(a.by);
  }
  put_refs(w, d.agreed);
  put_opt_time(w, d.agreed_at);
  w.boolean(d.signing.has_value());
  if (d.signing) {
    w.str(d.signing->meeting_id);
    put_time(w, d.signing->start);
    put_time(w, d.signing->end);
  }
  w.str(d.signing_cancel_reason);
  w.count(d.signatures.size());
  for (const auto& s : d.signatures) {
    w.str(s.member_id);
    w.str(s.delegation_id);
    w.str(s.method);
    put_time(w, s.signed_at);
    w.str(s.place);
    w.str(s.signature);
    w.str(s.recorded_by);
  }
  put_opt_day(w, d.signed_on);
  w.boolean(d.entry_into_force.has_value());
  if (d.entry_into_force) {
    w.u8(static_cast<std::uint8_t>(d.entry_into_force->rule));
    put_opt_day(w, d.entry_into_force->date);
    w.i64(d.entry_into_force->days);
  }
  w.count(d.notifications.size());
  for (const auto& [delegation, day] : d.notifications) {
    w.str(delegation);
    put_day(w, day);
  }
  put_opt_day(w, d.in_force_on);
  w.str(d.withdraw_reason);
  w.str(d.reject_comment);
  put_time(w, d.created_at);
  put_time(w, d.updated_at);
  w.i64(d.version);
  w.str(d.head_hash);
  w.count(d.audit.size());
  for (const auto& a : d.audit) {
    w.i64(a.sequence);
    w.str(a.event_id);
    w.str(a.type);
    put_time(w, a.time);
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
  d.status = get_enum(r, DocStatus::withdrawn);
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
    v.created_at = get_time(r);
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
    a.at = get_time(r);
    a.by = r.str();
    d.approvals.emplace_hint(d.approvals.end(), std::move(delegation), std::move(a));
  }
  d.agreed = get_refs(r);
  d.agreed_at = get_opt_time(r);
  if (r.boolean()) {
    Signing s;
    s.meeting_id = r.str();
    s.start = get_time(r);
    s.end = get_time(r);
    d.signing = std::move(s);
  }
  d.signing_cancel_reason = r.str();
  for (auto n = r.count(); n > 0; --n) {
    Signature s;
    s.member_id = r.str();
    s.delegation_id = r.str();
    s.method = r.str();
    s.signed_at = get_time(r);
    s.place = r.str();
    s.signature = r.str();
    s.recorded_by = r.str();
    d.signatures.push_back(std::move(s));
  }
  d.signed_on = get_opt_day(r);
  if (r.boolean()) {
    EntryIntoForce e;
    e.rule = get_enum(r, Rule::after_notifications);
    e.date = get_opt_day(r);
    e.days = static_cast<int>(r.i64());
    d.entry_into_force = e;
  }
  for (auto n = r.count(); n > 0; --n) {
    auto delegation = r.str();
    d.notifications.emplace_hint(d.notifications.end(), std::move(delegation), get_day(r));
  }
  d.in_force_on = get_opt_day(r);
  d.withdraw_reason = r.str();
  d.reject_comment = r.str();
  d.created_at = get_time(r);
  d.updated_at = get_time(r);
  d.version = r.i64();
  d.head_hash = r.str();
  for (auto n = r.count(); n > 0; --n) {
    AuditEntry a;
    a.sequence = r.i64();
    a.event_id = r.str();
    a.type = r.str();
    a.time = get_time(r);
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
    w.u8(static_cast<std::uint8_t>(status));
    w.strings(std::vector<std::string>(ids.begin(), ids.end()));
  }
  w.count(s.members.size());
  for (const auto& [id, m] : s.members) {
    w.str(m.id);
    w.str(m.delegation_id);
    w.str(m.visit_id);
    w.str(m.status);
    w.str(m.public_key);
    w.i64(m.version);
  }
  w.count(s.delegations.size());
  for (const auto& [id, d] : s.delegations) {
    w.str(d.id);
    w.str(d.visit_id);
    w.str(d.country);
    w.i64(d.version);
  }
  w.count(s.meetings.size());
  for (const auto& [id, m] : s.meetings) {
    w.str(m.id);
    w.str(m.visit_id);
    w.str(m.kind);
    w.str(m.status);
    put_time(w, m.start);
    put_time(w, m.end);
    w.str(m.cancel_reason);
    w.i64(m.version);
  }
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
    auto status = get_enum(r, DocStatus::withdrawn);
    auto ids = r.strings();
    s.by_status.emplace_hint(s.by_status.end(), status, std::set<std::string>(ids.begin(), ids.end()));
  }
  for (auto n = r.count(); n > 0; --n) {
    MemberView m;
    m.id = r.str();
    m.delegation_id = r.str();
    m.visit_id = r.str();
    m.status = r.str();
    m.public_key = r.str();
    m.version = r.i64();
    s.members.emplace_hint(s.members.end(), m.id, std::move(m));
  }
  for (auto n = r.count(); n > 0; --n) {
    DelegationView d;
    d.id = r.str();
    d.visit_id = r.str();
    d.country = r.str();
    d.version = r.i64();
    s.delegations.emplace_hint(s.delegations.end(), d.id, std::move(d));
  }
  for (auto n = r.count(); n > 0; --n) {
    MeetingView m;
    m.id = r.str();
    m.visit_id = r.str();
    m.kind = r.str();
    m.status = r.str();
    m.start = get_time(r);
    m.end = get_time(r);
    m.cancel_reason = r.str();
    m.version = r.i64();
    s.meetings.emplace_hint(s.meetings.end(), m.id, std::move(m));
  }
  s.identities = auth::decode_links(r);
  r.mark(kMagic);
  if (!r.done()) throw binary::Malformed("bytes after the end of the state");
  return s;
}

}  // namespace concord::documents
