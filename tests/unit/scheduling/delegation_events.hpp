#pragma once
// Events of concord.delegations.v1 in the shape docs/event-contract.md fixes, made by hand so the
// scheduling tests do not wait for the delegations service: delegation.registered, member.added,
// member.withdrawn.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace concord::testing::delegations {

struct Made {
  std::string type;
  std::string key;      // the delegation id
  std::string subject;  // delegation/<id> or member/<id>
  long long sequence = 1;
  nlohmann::json data;
};

inline nlohmann::json delegation_snapshot(const std::string& id, const std::string& visit_id, const std::string& side,
                                          const std::optional<std::string>& head, const std::string& country,
                                          long long version = 1) {
  return {{"id", id},
          {"visit_id", visit_id},
          {"country", country},
          {"side", side},
          {"name", {{"en", "Delegation of " + country}}},
          {"head_member_id", head ? nlohmann::json(*head) : nlohmann::json(nullptr)},
          {"version", version}};
}

inline Made delegation_registered(const std::string& id, const std::string& visit_id, const std::string& side,
                                  const std::optional<std::string>& head, const std::string& country = "BY") {
  return {"concord.delegations.delegation.registered",
          id,
          "delegation/" + id,
          1,
          {{"delegation", delegation_snapshot(id, visit_id, side, head, country)}}};
}

struct MemberSpec {
  std::string id;
  std::string delegation_id;
  std::string visit_id;
  std::string name;
  std::string rank = "official";
  bool is_head = false;
  std::optional<long long> precedence_order;
  std::string time_zone = "Europe/Minsk";
  std::string status = "active";
  long long version = 1;
};

inline nlohmann::json member_snapshot(const MemberSpec& m) {
  return {{"id", m.id},
          {"delegation_id", m.delegation_id},
          {"visit_id", m.visit_id},
          {"full_name", {{"en", m.name}, {"ru", m.name}}},
          {"position", {{"en", m.rank}}},
          {"rank", m.rank},
          {"precedence_order", m.precedence_order ? nlohmann::json(*m.precedence_order) : nlohmann::json(nullptr)},
          {"is_head", m.is_head},
          {"languages", {"ru", "en"}},
          {"time_zone", m.time_zone},
          {"notification_language", "en"},
          {"channels", {"inbox"}},
          {"public_key", nullptr},
          {"status", m.status},
          {"accreditation", {{"status", "none"}, {"badge_number", nullptr}}},
          {"version", m.version}};
}

inline Made member_added(const MemberSpec& m) {
  return {"concord.delegations.member.added",
          m.delegation_id,
          "member/" + m.id,
          m.version,
          {{"member", member_snapshot(m)}}};
}

inline Made member_withdrawn(MemberSpec m, const std::string& reason = "recalled") {
  m.status = "withdrawn";
  ++m.version;
  return {"concord.delegations.member.withdrawn",
          m.delegation_id,
          "member/" + m.id,
          m.version,
          {{"member", member_snapshot(m)}, {"reason", reason}}};
}

}  // namespace concord::testing::delegations
