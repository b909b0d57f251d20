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

void encode(binary::Writer& out, const DelegationView& delegation) {
  out.field(delegation);
}

void encode(binary::Writer& out, const MemberView& member) {
  out.field(member);
}

DelegationView decode_delegation_view(binary::Reader& in) {
  DelegationView d;
  in.field(d);
  return d;
}

MemberView decode_member_view(binary::Reader& in) {
  MemberView m;
  in.field(m);
  return m;
}

}  // namespace concord::delegations::contract
