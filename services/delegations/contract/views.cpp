#include "delegations/contract/views.hpp"

#include "concord/core/json_read.hpp"

namespace concord::delegations::contract {

using namespace json_read;

namespace detail {
const nlohmann::json& snapshot_in(const nlohmann::json& data, const char* key) {
  return obj(data, key);
}
}  // namespace detail

std::optional<DelegationView> delegation_view(const nlohmann::json& j) {
  DelegationView d;
  d.id = str(j, "id");
  d.visit_id = str(j, "visit_id");
  if (d.id.empty() || d.visit_id.empty()) return std::nullopt;
  d.country = str(j, "country");
  d.side = str(j, "side");
  d.name = localized(j, "name");
  d.head_member_id = opt_str(j, "head_member_id");
  d.version = num(j, "version");
  return d;
}

std::optional<MemberView> member_view(const nlohmann::json& j) {
  MemberView m;
  m.id = str(j, "id");
  m.delegation_id = str(j, "delegation_id");
  m.visit_id = str(j, "visit_id");
  if (m.id.empty() || m.delegation_id.empty() || m.visit_id.empty()) return std::nullopt;
  m.full_name = localized(j, "full_name");
  m.position = localized(j, "position");
  m.rank = str(j, "rank");
  m.precedence_order = opt_num(j, "precedence_order");
  m.is_head = boolean(j, "is_head");
  m.languages = strings(j, "languages");
  m.time_zone = str(j, "time_zone");
  m.notification_language = str(j, "notification_language");
  if (auto status = str(j, "status"); !status.empty()) m.status = status;
  m.public_key = str(j, "public_key");
  m.version = num(j, "version");
  return m;
}

void encode(binary::Writer& w, const DelegationView& d) {
  w.str(d.id);
  w.str(d.visit_id);
  w.str(d.country);
  w.str(d.side);
  w.string_map(d.name);
  w.opt_str(d.head_member_id);
  w.i64(d.version);
}

DelegationView decode_delegation_view(binary::Reader& r) {
  DelegationView d;
  d.id = r.str();
  d.visit_id = r.str();
  d.country = r.str();
  d.side = r.str();
  d.name = r.string_map();
  d.head_member_id = r.opt_str();
  d.version = r.i64();
  return d;
}

void encode(binary::Writer& w, const MemberView& m) {
  w.str(m.id);
  w.str(m.delegation_id);
  w.str(m.visit_id);
  w.string_map(m.full_name);
  w.string_map(m.position);
  w.str(m.rank);
  w.opt_i64(m.precedence_order);
  w.boolean(m.is_head);
  w.strings(m.languages);
  w.str(m.time_zone);
  w.str(m.notification_language);
  w.str(m.status);
  w.str(m.public_key);
  w.i64(m.version);
}

MemberView decode_member_view(binary::Reader& r) {
  MemberView m;
  m.id = r.str();
  m.delegation_id = r.str();
  m.visit_id = r.str();
  m.full_name = r.string_map();
  m.position = r.string_map();
  m.rank = r.str();
  m.precedence_order = r.opt_i64();
  m.is_head = r.boolean();
  m.languages = r.strings();
  m.time_zone = r.str();
  m.notification_language = r.str();
  m.status = r.str();
  m.public_key = r.str();
  m.version = r.i64();
  return m;
}

}  // namespace concord::delegations::contract
