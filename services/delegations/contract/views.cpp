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

namespace {

// The binary layouts, each written once for both directions (binary::Writer/Reader::field).
template <class Io, class Delegation>
void delegation_layout(Io& io, Delegation& d) {
  io.field(d.id);
  io.field(d.visit_id);
  io.field(d.country);
  io.field(d.side);
  io.field(d.name);
  io.field(d.head_member_id);
  io.field(d.version);
}

template <class Io, class Member>
void member_layout(Io& io, Member& m) {
  io.field(m.id);
  io.field(m.delegation_id);
  io.field(m.visit_id);
  io.field(m.full_name);
  io.field(m.position);
  io.field(m.rank);
  io.field(m.precedence_order);
  io.field(m.is_head);
  io.field(m.languages);
  io.field(m.time_zone);
  io.field(m.notification_language);
  io.field(m.status);
  io.field(m.public_key);
  io.field(m.version);
}

}  // namespace

void encode(binary::Writer& out, const DelegationView& delegation) {
  delegation_layout(out, delegation);
}

void encode(binary::Writer& out, const MemberView& member) {
  member_layout(out, member);
}

DelegationView decode_delegation_view(binary::Reader& in) {
  DelegationView d;
  delegation_layout(in, d);
  return d;
}

MemberView decode_member_view(binary::Reader& in) {
  MemberView m;
  member_layout(in, m);
  return m;
}

}  // namespace concord::delegations::contract
