#include "delegations/domain/decide.hpp"

#include <algorithm>
#include <map>

#include "delegations/domain/codec.hpp"

namespace concord::delegations {

using nlohmann::json;

namespace {

Status require_officer(const Actor& actor, std::string_view what) {
  if (actor.officer) return {};
  return fail(Error::forbidden("only protocol officers and admins may " + std::string(what)));
}

// A delegation's own officers (see acts_for) or 403.
Status require_officer_for(const State& state, const Actor& actor, const std::string& delegation_id,
                           std::string_view what) {
  if (acts_for(state, actor, delegation_id)) return {};
  if (actor.country)
    return fail(Error::forbidden("a delegation officer of " + *actor.country + " may " + std::string(what) +
                                 " only in their own delegation"));
  return require_officer(actor, what);
}

Error field_conflict(std::string pointer, std::string message) {
  Error e = Error::conflict(message);
  e.errors.push_back({std::move(pointer), std::move(message)});
  return e;
}

// Collects the events of one decision, working on copies of the aggregates it touches so
// several changes to one member (revoke, then withdraw) see each other.
class Draft {
 public:
  Draft(const State& state, const Context& context, std::string key) : state_(state), context_(context) {
    decision_.key = std::move(key);
  }

  Member& member(const std::string& id) {
    auto it = members_.find(id);
    if (it == members_.end()) it = members_.emplace(id, *state_.member(id)).first;
    return it->second;
  }
  Delegation& delegation(const std::string& id) {
    auto it = delegations_.find(id);
    if (it == delegations_.end()) it = delegations_.emplace(id, *state_.delegation(id)).first;
    return it->second;
  }
  Member& add(Member m) { return members_.emplace(m.id, std::move(m)).first->second; }
  Delegation& add(Delegation d) { return delegations_.emplace(d.id, std::move(d)).first->second; }

  // A public event about a member; returns its id (for the private events that go with it).
  std::string member_event(std::string_view verb_type, Member& m, json extra = json::object(), std::string id = {}) {
    m.version += 1;
    extra["member"] = member_snapshot(m);
    return emit(false, std::string(verb_type), "member/" + m.id, m.version, std::move(extra), std::move(id));
  }
  std::string delegation_event(std::string_view verb_type, Delegation& d, json extra = json::object()) {
    d.version += 1;
    extra["delegation"] = delegation_snapshot(d);
    return emit(false, std::string(verb_type), "delegation/" + d.id, d.version, std::move(extra), {});
  }
  // A private event, to take effect with the public event `public_event_id`.
  void private_event(std::string_view verb_type, const Member& m, long long sequence, json data,
                     const std::string& public_event_id) {
    data["member_id"] = m.id;
    data["delegation_id"] = m.delegation_id;
    data["public_event_id"] = public_event_id;
    emit(true, std::string(verb_type), "member/" + m.id, sequence, std::move(data), {});
  }
  std::string reserve_id() { return context_.ids.next(); }

  // Makes `head` (or nobody) the head of the delegation: the previous head, unless it is
  // `except` (whose own event the caller emits), loses is_head; the delegation records it.
  void change_head(const std::string& delegation_id, const std::optional<std::string>& head,
                   const std::string& except) {
    Delegation& d = delegation(delegation_id);
    if (d.head_member_id == head) return;
    if (d.head_member_id && *d.head_member_id != except && state_.member(*d.head_member_id)) {
      Member& old = member(*d.head_member_id);
      if (old.is_head) {
        old.is_head = false;
        member_event("member.updated", old, {{"changed", {"is_head"}}});
      }
    }
    d.head_member_id = head;
    delegation_event("delegation.updated", d, {{"changed", {"head_member_id"}}});
  }

  Decision finish(std::string target_id) {
    decision_.target_id = std::move(target_id);
    // Private events go first (see Store::write): alone they are harmless orphans.
    std::stable_partition(decision_.events.begin(), decision_.events.end(),
                          [](const NewEvent& e) { return e.is_private; });
    return std::move(decision_);
  }

 private:
  std::string emit(bool is_private, std::string type, std::string subject, long long sequence, json data,
                   std::string id) {
    NewEvent e;
    e.is_private = is_private;
    e.id = id.empty() ? context_.ids.next() : std::move(id);
    e.type = std::string(contract::kPrefix) + type;
    e.subject = std::move(subject);
    e.sequence = sequence;
    e.data = std::move(data);
    decision_.events.push_back(std::move(e));
    return decision_.events.back().id;
  }

  const State& state_;
  const Context& context_;
  Decision decision_;
  std::map<std::string, Member> members_;
  std::map<std::string, Delegation> delegations_;
};

Status check_delegation_unique(const State& state, const std::string& id, const std::string& visit_id,
                               const std::string& country, Side side) {
  for (const auto& [other_id, d] : state.delegations) {
    if (other_id == id || d.visit_id != visit_id) continue;
    if (d.country == country)
      return fail(
          field_conflict("/country", "the visit already has a delegation of " + country + " (" + other_id + ")"));
    if (side == Side::host && d.side == Side::host)
      return fail(field_conflict("/side", "the visit already has a host delegation (" + other_id + ")"));
  }
  return {};
}

// Channels that send to a contact need that contact.
Status check_channels(const std::vector<std::string>& channels, const std::optional<Contact>& contact) {
  for (size_t i = 0; i < channels.size(); ++i) {
    if (channels[i] == "email" && !(contact && contact->email))
      return fail(Error::validation("/notifications/channels/" + std::to_string(i),
                                    "e-mail notifications need an e-mail address in contact"));
    if (channels[i] == "sms" && !(contact && contact->phone))
      return fail(Error::validation("/notifications/channels/" + std::to_string(i),
                                    "SMS notifications need a phone number in contact"));
  }
  return {};
}

Result<const Member*> existing_member(const State& state, const std::string& id) {
  const Member* m = state.member(id);
  if (!m) return fail(Error::not_found("no member " + id));
  return m;
}

Status require_active(const Member& m) {
  if (!m.withdrawn) return {};
  return fail(Error::conflict("member " + m.id + " has been withdrawn from the delegation",
                              {{"allowed_actions", json::array()}}));
}

std::string past_tense(std::string_view action) {
  if (action == "request") return "requested";
  if (action == "approve") return "approved";
  if (action == "reject") return "rejected";
  return "revoked";
}

}  // namespace

std::vector<std::string> allowed_accreditation_actions(AccreditationStatus status) {
  switch (status) {
    case AccreditationStatus::none:
    case AccreditationStatus::rejected:
    case AccreditationStatus::revoked:
      return {"request"};
    case AccreditationStatus::requested:
      return {"approve", "reject"};
    case AccreditationStatus::approved:
      return {"revoke"};
  }
  return {};
}

Result<Decision> decide(const State& state, const RegisterDelegation& c, const Context& ctx) {
  if (auto ok = require_officer(ctx.actor, "register delegations"); !ok) return fail(ok.error());
  Delegation d;
  d.id = ctx.ids.next();
  if (auto ok = check_delegation_unique(state, d.id, c.visit_id, c.country, c.side); !ok) return fail(ok.error());
  d.visit_id = c.visit_id;
  d.country = c.country;
  d.side = c.side;
  d.name = c.name;
  Draft draft(state, ctx, d.id);
  Delegation& added = draft.add(std::move(d));
  draft.delegation_event("delegation.registered", added);
  return draft.finish(added.id);
}

Result<Decision> decide(const State& state, const UpdateDelegation& c, const Context& ctx) {
  if (auto ok = require_officer(ctx.actor, "change delegations"); !ok) return fail(ok.error());
  const Delegation* current = state.delegation(c.id);
  if (!current) return fail(Error::not_found("no delegation " + c.id));
  Delegation next = *current;
  json changed = json::array();
  if (c.country && *c.country != next.country) {
    next.country = *c.country;
    changed.push_back("country");
  }
  if (c.side && *c.side != next.side) {
    next.side = *c.side;
    changed.push_back("side");
  }
  if (c.name && *c.name != next.name) {
    next.name = *c.name;
    changed.push_back("name");
  }
  if (auto ok = check_delegation_unique(state, next.id, next.visit_id, next.country, next.side); !ok)
    return fail(ok.error());
  Draft draft(state, ctx, c.id);
  if (c.head_member_id.present && c.head_member_id.value != current->head_member_id) {
    if (c.head_member_id.value) {
      const Member* head = state.member(*c.head_member_id.value);
      if (!head || head->delegation_id != c.id || head->withdrawn)
        return fail(Error::validation("/head_member_id", "is not an active member of this delegation"));
    }
  }
  if (!changed.empty()) {
    Delegation& d = draft.delegation(c.id);
    d.country = next.country;
    d.side = next.side;
    d.name = next.name;
    draft.delegation_event("delegation.updated", d, {{"changed", changed}});
  }
  if (c.head_member_id.present && c.head_member_id.value != current->head_member_id) {
    if (c.head_member_id.value) {
      Member& head = draft.member(*c.head_member_id.value);
      head.is_head = true;
      draft.member_event("member.updated", head, {{"changed", {"is_head"}}});
      draft.change_head(c.id, head.id, head.id);
    } else {
      draft.change_head(c.id, std::nullopt, "");
    }
  }
  return draft.finish(c.id);
}

Result<Decision> decide(const State& state, const AddMember& c, const Context& ctx) {
  if (!ctx.actor.officer && !ctx.actor.country) return fail(require_officer(ctx.actor, "add members").error());
  const Delegation* d = state.delegation(c.delegation_id);
  if (!d) return fail(Error::not_found("no delegation " + c.delegation_id));
  if (auto ok = require_officer_for(state, ctx.actor, d->id, "add members"); !ok) return fail(ok.error());
  Member m;
  m.id = ctx.ids.next();
  m.delegation_id = d->id;
  m.visit_id = d->visit_id;
  m.full_name = c.full_name;
  m.position = c.position;
  m.rank = c.rank;
  m.precedence_order = c.precedence_order;
  m.is_head = c.is_head;
  m.languages = c.languages;
  m.time_zone = c.time_zone;
  m.notification_language = c.notifications.language.value_or(c.languages.front());
  m.channels = c.notifications.channels.value_or(std::vector<std::string>{"inbox"});
  m.public_key = c.public_key;
  if (auto ok = check_channels(m.channels, c.contact); !ok) return fail(ok.error());

  Draft draft(state, ctx, d->id);
  Member& added = draft.add(std::move(m));
  std::string public_id = draft.reserve_id();
  if (c.contact)
    draft.private_event("member_contact.set", added, 1, {{"contact", contact_json(*c.contact)}}, public_id);
  draft.member_event("member.added", added, json::object(), public_id);
  if (added.is_head) draft.change_head(d->id, added.id, added.id);
  return draft.finish(added.id);
}

Result<Decision> decide(const State& state, const UpdateMember& c, const Context& ctx) {
  auto found = existing_member(state, c.id);
  if (!found) return fail(found.error());
  const Member& current = **found;
  if (!acts_for(state, ctx.actor, current.delegation_id)) {
    if (!ctx.actor.member_id || *ctx.actor.member_id != c.id) {
      if (ctx.actor.country)
        return fail(require_officer_for(state, ctx.actor, current.delegation_id, "change members").error());
      return fail(Error::forbidden("a delegation member may change only their own record"));
    }
    static const std::vector<std::string> self_service = {"notifications", "time_zone", "public_key"};
    std::string refused;
    for (const auto& f : c.fields)
      if (std::find(self_service.begin(), self_service.end(), f) == self_service.end())
        refused += (refused.empty() ? "" : ", ") + f;
    if (!refused.empty())
      return fail(
          Error::forbidden("a delegation member may change only their notifications, time_zone and "
                           "public_key; not: " +
                           refused));
  }
  if (auto ok = require_active(current); !ok) return fail(ok.error());

  Member next = current;
  json changed = json::array();
  auto take = [&](const auto& in, auto& field, const char* name) {
    if (!in || *in == field) return;
    field = *in;
    changed.push_back(name);
  };
  auto take_patch = [&](const auto& in, auto& field, const char* name) {
    if (!in.present || in.value == field) return;
    field = in.value;
    changed.push_back(name);
  };
  take(c.full_name, next.full_name, "full_name");
  take(c.position, next.position, "position");
  take(c.rank, next.rank, "rank");
  take_patch(c.precedence_order, next.precedence_order, "precedence_order");
  take(c.is_head, next.is_head, "is_head");
  take(c.languages, next.languages, "languages");
  take(c.time_zone, next.time_zone, "time_zone");
  if (c.notifications) {
    take(c.notifications->language, next.notification_language, "notification_language");
    take(c.notifications->channels, next.channels, "channels");
  }
  take_patch(c.public_key, next.public_key, "public_key");

  const Contact* stored = state.contact_of(c.id);
  std::optional<Contact> contact = stored ? std::optional<Contact>(*stored) : std::nullopt;
  bool contact_changed = c.contact.present && c.contact.value != contact;
  if (contact_changed) {
    contact = c.contact.value;
    changed.push_back("contact");
  }
  if (auto ok = check_channels(next.channels, contact); !ok) {
    Error e = ok.error();
    if (contact_changed && !(c.notifications && c.notifications->channels)) e.errors.front().pointer = "/contact";
    return fail(e);
  }

  Draft draft(state, ctx, current.delegation_id);
  if (changed.empty()) return draft.finish(c.id);
  Member& m = draft.member(c.id);
  m = next;
  std::string public_id = draft.reserve_id();
  if (contact_changed)
    draft.private_event("member_contact.set", m, m.version + 1,
                        {{"contact", contact ? contact_json(*contact) : json(nullptr)}}, public_id);
  draft.member_event("member.updated", m, {{"changed", changed}}, public_id);
  if (next.is_head != current.is_head)
    draft.change_head(current.delegation_id, next.is_head ? std::optional<std::string>(c.id) : std::nullopt, c.id);
  return draft.finish(c.id);
}

Result<Decision> decide(const State& state, const WithdrawMember& c, const Context& ctx) {
  if (!ctx.actor.officer && !ctx.actor.country) return fail(require_officer(ctx.actor, "withdraw members").error());
  auto found = existing_member(state, c.id);
  if (!found) return fail(found.error());
  const Member& current = **found;
  if (auto ok = require_officer_for(state, ctx.actor, current.delegation_id, "withdraw members"); !ok)
    return fail(ok.error());
  if (auto ok = require_active(current); !ok) return fail(ok.error());
  Draft draft(state, ctx, current.delegation_id);
  Member& m = draft.member(c.id);
  json reason = c.reason ? json(*c.reason) : json(nullptr);
  // A withdrawn member's badge stops being valid.
  if (m.accreditation.status == AccreditationStatus::approved) {
    m.accreditation.status = AccreditationStatus::revoked;
    draft.member_event("accreditation.revoked", m,
                       {{"reason", "withdrawn from the delegation" + (c.reason ? ": " + *c.reason : std::string())}});
  }
  bool was_head = m.is_head;
  m.is_head = false;
  m.withdrawn = true;
  draft.member_event("member.withdrawn", m, {{"reason", reason}});
  if (was_head) draft.change_head(current.delegation_id, std::nullopt, c.id);
  return draft.finish(c.id);
}

Result<Decision> decide(const State& state, const AccreditationAction& c, const Context& ctx) {
  if (auto ok = require_officer(ctx.actor, "decide accreditation"); !ok) return fail(ok.error());
  auto found = existing_member(state, c.member_id);
  if (!found) return fail(found.error());
  const Member& current = **found;
  if (auto ok = require_active(current); !ok) return fail(ok.error());
  auto allowed = allowed_accreditation_actions(current.accreditation.status);
  if (std::find(allowed.begin(), allowed.end(), c.action) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return fail(Error::conflict(
        "cannot " + c.action + " an accreditation that is " + std::string(to_string(current.accreditation.status)) +
            "; allowed: " + list,
        {{"allowed_actions", allowed}, {"accreditation_status", to_string(current.accreditation.status)}}));
  }
  if (c.action == "approve") {
    auto owner = state.badges.find(current.visit_id + "/" + *c.badge_number);
    if (owner != state.badges.end() && owner->second != current.id)
      return fail(field_conflict(
          "/badge_number",
          "badge number " + *c.badge_number + " is already issued in this visit (member " + owner->second + ")"));
  }
  Draft draft(state, ctx, current.delegation_id);
  Member& m = draft.member(c.member_id);
  json data = {{"reason", c.reason ? json(*c.reason) : json(nullptr)}};
  if (c.action == "request") {
    m.accreditation.status = AccreditationStatus::requested;
    m.accreditation.badge_number.reset();
  } else if (c.action == "approve") {
    m.accreditation.status = AccreditationStatus::approved;
    m.accreditation.badge_number = c.badge_number;
    data["badge_number"] = *c.badge_number;
  } else if (c.action == "reject") {
    m.accreditation.status = AccreditationStatus::rejected;
  } else {
    m.accreditation.status = AccreditationStatus::revoked;
  }
  draft.member_event("accreditation." + past_tense(c.action), m, std::move(data));
  return draft.finish(c.member_id);
}

Result<Decision> decide(const State& state, const SetTravel& c, const Context& ctx) {
  if (!ctx.actor.officer && !ctx.actor.country) return fail(require_officer(ctx.actor, "set travel details").error());
  auto found = existing_member(state, c.member_id);
  if (!found) return fail(found.error());
  const Member& current = **found;
  if (auto ok = require_officer_for(state, ctx.actor, current.delegation_id, "set travel details"); !ok)
    return fail(ok.error());
  if (auto ok = require_active(current); !ok) return fail(ok.error());
  Draft draft(state, ctx, current.delegation_id);
  const Travel* stored = state.travel_of(c.member_id);
  if (stored && *stored == c.travel) return draft.finish(c.member_id);
  Member& m = draft.member(c.member_id);
  std::string public_id = draft.reserve_id();
  draft.private_event("member_travel.set", m, m.version + 1, {{"travel", travel_json(c.travel)}}, public_id);
  draft.member_event("member.updated", m, {{"changed", {"travel"}}}, public_id);
  return draft.finish(c.member_id);
}

}  // namespace concord::delegations
