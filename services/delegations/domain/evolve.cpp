#include "delegations/domain/decide.hpp"

#include <exception>

#include "delegations/domain/codec.hpp"

namespace concord::delegations {

using nlohmann::json;

namespace {

constexpr std::size_t kRecentPublicEvents = 4096;

void apply_private(State& s, const PendingPrivate& p) {
  auto member = s.members.find(p.member_id);
  if (member == s.members.end()) return;
  member->second.rendered.clear();  // its personal view shows the contact and travel
  if (p.is_contact) {
    if (p.contact)
      s.contacts[p.member_id] = *p.contact;
    else
      s.contacts.erase(p.member_id);
  } else {
    s.travel[p.member_id] = p.travel;
  }
}

void apply_pending(State& s, const std::string& public_event_id) {
  auto it = s.pending.find(public_event_id);
  if (it == s.pending.end()) return;
  for (const auto& p : it->second) apply_private(s, p);
  s.pending.erase(it);
}

void remember_public(State& s, const std::string& public_event_id) {
  if (!s.recent_public_ids.insert(public_event_id).second) return;
  s.recent_public.push_back(public_event_id);
  if (s.recent_public.size() > kRecentPublicEvents) {
    s.recent_public_ids.erase(s.recent_public.front());
    s.recent_public.pop_front();
  }
}

void upsert_member(State& s, Member m) {
  auto& order = s.roster_order[m.delegation_id];
  auto it = s.members.find(m.id);
  if (it == s.members.end()) {
    s.members_of[m.delegation_id].push_back(m.id);
    order.emplace(precedence_key(m), m.id);
    s.members.emplace(m.id, std::move(m));
    return;
  }
  if (auto was = precedence_key(it->second), now = precedence_key(m); was != now) {
    order.erase(was);
    order.emplace(std::move(now), m.id);
  }
  // What the snapshot does not carry stays as the earlier events left it.
  m.accreditation.history = std::move(it->second.accreditation.history);
  m.withdrawal_reason = std::move(it->second.withdrawal_reason);
  it->second = std::move(m);
}

std::optional<std::string> reason_of(const json& data) {
  auto it = data.find("reason");
  if (it == data.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

void apply(State& s, const Recorded& e) {
  if (!e.type.starts_with(contract::kPrefix)) return;
  std::string_view kind = std::string_view(e.type).substr(contract::kPrefix.size());
  if (evolve_identity(s, kind, e)) return;

  if (kind == "member_contact.set" || kind == "member_travel.set") {
    PendingPrivate p;
    p.member_id = e.data.at("member_id").get<std::string>();
    p.is_contact = kind == "member_contact.set";
    if (p.is_contact) {
      const auto& c = e.data.at("contact");
      if (!c.is_null()) p.contact = contact_from_json(c);
    } else {
      p.travel = travel_from_json(e.data.at("travel"));
    }
    auto public_event_id = e.data.at("public_event_id").get<std::string>();
    if (s.recent_public_ids.contains(public_event_id))
      apply_private(s, p);  // its public companion came first (a live follower)
    else
      s.pending[public_event_id].push_back(std::move(p));
    return;
  }

  if (kind.starts_with("delegation.")) {
    Delegation d = delegation_from_snapshot(e.data.at("delegation"));
    s.delegations_of_visit[d.visit_id].insert(d.id);
    s.delegations[d.id] = std::move(d);
  } else if (kind.starts_with("member.") || kind.starts_with("accreditation.")) {
    Member m = member_from_snapshot(e.data.at("member"));
    std::string id = m.id;
    upsert_member(s, std::move(m));
    Member& stored = s.members.at(id);
    if (kind == "member.withdrawn") stored.withdrawal_reason = reason_of(e.data);
    if (kind.starts_with("accreditation.")) {
      std::string_view verb = kind.substr(std::string_view("accreditation.").size());
      AccreditationStep step;
      step.action = verb == "requested"  ? "request"
                    : verb == "approved" ? "approve"
                    : verb == "rejected" ? "reject"
                                         : "revoke";
      step.actor = e.actor;
      step.reason = reason_of(e.data);
      step.at = e.time;
      if (verb == "approved") {
        step.badge_number = stored.accreditation.badge_number;
        if (step.badge_number) s.badges[stored.visit_id + "/" + *step.badge_number] = id;
      }
      stored.accreditation.history.push_back(std::move(step));
    }
    stored.rendered.clear();  // edited in place above
  } else {
    return;
  }
  apply_pending(s, e.id);
  remember_public(s, e.id);
}

}  // namespace

void evolve(State& state, const Recorded& event) {
  try {
    apply(state, event);
  } catch (const std::exception&) {
    // An event this version cannot read (a newer writer's, or damaged): skipped, as CloudEvents
    // readers skip what they do not understand. Our own writes always decode.
  }
}

}  // namespace concord::delegations
