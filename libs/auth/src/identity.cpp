#include "concord/auth/identity.hpp"

#include "concord/core/binary.hpp"

#include <algorithm>

namespace concord::auth {

std::optional<std::string> IdentityLinks::member_of(const Identity& identity) const {
  auto it = member_of_.find(identity);
  if (it == member_of_.end()) return std::nullopt;
  return it->second;
}

std::optional<Identity> IdentityLinks::identity_of(const std::string& member_id) const {
  auto it = identity_of_.find(member_id);
  if (it == identity_of_.end()) return std::nullopt;
  return it->second;
}

void IdentityLinks::link(const Identity& identity, const std::string& member_id) {
  if (auto previous = member_of(identity)) identity_of_.erase(*previous);
  unlink(member_id);
  member_of_[identity] = member_id;
  identity_of_[member_id] = identity;
}

void IdentityLinks::unlink(const std::string& member_id) {
  auto it = identity_of_.find(member_id);
  if (it == identity_of_.end()) return;
  member_of_.erase(it->second);
  identity_of_.erase(it);
}

bool IdentityLinks::apply_unlink(const nlohmann::json& data) {
  if (!data.is_object()) return false;
  auto member = data.find("member_id");
  if (member == data.end() || !member->is_string()) return false;
  unlink(member->get<std::string>());
  return true;
}

bool IdentityLinks::apply_link(const nlohmann::json& data) {
  if (!data.is_object()) return false;
  auto member = data.find("member_id");
  if (member == data.end() || !member->is_string()) return false;
  auto identity = data.find("identity");
  if (identity == data.end() || !identity->is_object()) return false;
  auto issuer = identity->find("issuer");
  auto subject = identity->find("subject");
  if (issuer == identity->end() || subject == identity->end() || !issuer->is_string() || !subject->is_string())
    return false;
  link(Identity{issuer->get<std::string>(), subject->get<std::string>()}, member->get<std::string>());
  return true;
}

Resolution resolve_member(Principal& p, const IdentityLinks& links, const DelegationOf& delegation_of) {
  if (auto member = links.member_of(Identity{p.issuer, p.subject})) {
    if (auto delegation = delegation_of(*member)) {
      p.member_id = *member;
      p.delegation_id = *delegation;
      if (!p.has(Role::delegation_member)) p.roles.push_back(Role::delegation_member);
      return Resolution::linked;
    }
  }
  if (p.member_id) {
    if (auto delegation = delegation_of(*p.member_id)) p.delegation_id = *delegation;
    if (!p.has(Role::delegation_member)) return Resolution::unchanged;
    return Resolution::claimed;
  }
  if (p.has(Role::delegation_member)) {
    std::erase(p.roles, Role::delegation_member);
    p.delegation_id.reset();
    return Resolution::unlinked;
  }
  return Resolution::unchanged;
}

void encode_links(binary::Writer& out, const IdentityLinks& links) {
  out.count(links.by_member().size());
  for (const auto& [member_id, identity] : links.by_member()) {
    out.str(member_id);
    out.str(identity.issuer);
    out.str(identity.subject);
  }
}

IdentityLinks decode_links(binary::Reader& in) {
  IdentityLinks links;
  for (auto n = in.count(); n > 0; --n) {
    auto member_id = in.str();
    auto issuer = in.str();
    links.link(Identity{std::move(issuer), in.str()}, member_id);
  }
  return links;
}

void layout(binary::Writer& out, const IdentityLinks& links) {
  encode_links(out, links);
}

void layout(binary::Reader& in, IdentityLinks& links) {
  links = decode_links(in);
}

}  // namespace concord::auth
