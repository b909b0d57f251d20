// People, not claims: the identity (issuer + subject) a member signs in with, set by an officer
// or by an invitation the member redeems. Everything here is personal data and goes to the
// private topic, as contact details do: an identity links a person's account at the
// organisation's issuer to a named member, which integrators have no business knowing.
#include "delegations/domain/decide.hpp"

namespace concord::delegations {

using nlohmann::json;

namespace {

const std::string kPrefix(contract::kPrefix);

json identity_json(const auth::Identity& i) {
  return {{"issuer", i.issuer}, {"subject", i.subject}};
}

NewEvent private_event(const Context& ctx, std::string verb, std::string subject, long long sequence, json data) {
  NewEvent e;
  e.is_private = true;
  e.id = ctx.ids.next();
  e.type = kPrefix + std::move(verb);
  e.subject = std::move(subject);
  e.sequence = sequence;
  e.data = std::move(data);
  return e;
}

long long identity_version(const State& s, const std::string& member_id) {
  auto it = s.identity_versions.find(member_id);
  return it == s.identity_versions.end() ? 0 : it->second;
}

// A member someone acts for as an officer: it exists (404) and the caller is a host officer,
// an admin, or the delegation officer of its delegation's country (403).
Result<const Member*> member_for_officer(const State& s, const Actor& actor, const std::string& member_id,
                                         std::string_view what) {
  const Member* m = s.member(member_id);
  if (!m) return fail(Error::not_found("no member " + member_id));
  if (acts_for(s, actor, m->delegation_id)) return m;
  if (actor.country)
    return fail(Error::forbidden("a delegation officer of " + *actor.country + " may " + std::string(what) +
                                 " only for members of their own delegation"));
  return fail(
      Error::forbidden("only protocol officers, admins and the member's delegation officer may " + std::string(what)));
}

// The events that make `identity` the one of member `m`: the member's previous identity, if
// another, is unlinked first. Nothing when it is already so. 409 when the identity belongs to
// another member: one identity is one person, and one person is one member.
Result<std::vector<NewEvent>> link_events(const State& s, const Context& ctx, const Member& m,
                                          const auth::Identity& identity, const std::string& via,
                                          const std::optional<std::string>& invitation_id) {
  if (m.withdrawn)
    return fail(
        Error::conflict("member " + m.id + " has been withdrawn from the delegation: no identity is linked to them"));
  if (auto owner = s.identities.member_of(identity); owner && *owner != m.id) {
    Error e = Error::conflict(
        "this identity (issuer and subject) is already linked to another member; unlink it there first");
    e.errors.push_back({"/subject", "already linked to another member"});
    return fail(e);
  }
  std::vector<NewEvent> out;
  auto current = s.identities.identity_of(m.id);
  if (current && *current == identity && !invitation_id) return out;
  long long version = identity_version(s, m.id);
  json base = {{"member_id", m.id}, {"delegation_id", m.delegation_id}};
  if (current && *current != identity) {
    json data = base;
    data["identity"] = identity_json(*current);
    data["reason"] = "replaced";
    out.push_back(private_event(ctx, "member_identity.unlinked", "member_identity/" + m.id, ++version, data));
  }
  json data = base;
  data["identity"] = identity_json(identity);
  data["via"] = via;
  data["invitation_id"] = invitation_id ? json(*invitation_id) : json(nullptr);
  out.push_back(private_event(ctx, "member_identity.linked", "member_identity/" + m.id, ++version, data));
  return out;
}

Status check_identity(const auth::Identity& i) {
  std::vector<FieldError> errors;
  if (i.issuer.empty() || i.issuer.size() > 1024)
    errors.push_back({"/issuer", "an issuer of 1 to 1024 characters is required"});
  if (i.subject.empty() || i.subject.size() > 255)
    errors.push_back({"/subject", "a subject of 1 to 255 characters is required"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  return {};
}

}  // namespace

Result<Decision> decide(const State& s, const LinkIdentity& c, const Context& ctx) {
  auto m = member_for_officer(s, ctx.actor, c.member_id, "link identities");
  if (!m) return fail(m.error());
  if (auto ok = check_identity(c.identity); !ok) return fail(ok.error());
  auto events = link_events(s, ctx, **m, c.identity, "officer", std::nullopt);
  if (!events) return fail(events.error());
  return Decision{(*m)->delegation_id, c.member_id, std::move(*events)};
}

Result<Decision> decide(const State& s, const UnlinkIdentity& c, const Context& ctx) {
  auto m = member_for_officer(s, ctx.actor, c.member_id, "unlink identities");
  if (!m) return fail(m.error());
  Decision d{(*m)->delegation_id, c.member_id, {}};
  auto current = s.identities.identity_of(c.member_id);
  if (!current) return d;  // nothing linked: nothing to do
  d.events.push_back(private_event(ctx, "member_identity.unlinked", "member_identity/" + c.member_id,
                                   identity_version(s, c.member_id) + 1,
                                   {{"member_id", c.member_id},
                                    {"delegation_id", (*m)->delegation_id},
                                    {"identity", identity_json(*current)},
                                    {"reason", "cleared"}}));
  return d;
}

Result<Decision> decide(const State& s, const CreateInvitation& c, const Context& ctx) {
  auto m = member_for_officer(s, ctx.actor, c.member_id, "invite members");
  if (!m) return fail(m.error());
  if ((*m)->withdrawn)
    return fail(Error::conflict("member " + c.member_id + " has been withdrawn from the delegation: no invitation"));
  if (c.ttl < kMinInvitationTtl || c.ttl > kMaxInvitationTtl)
    return fail(Error::validation("/expires_in", "an invitation lasts from 5 minutes to 30 days"));
  if (c.code_sha256.size() != 64 || s.invitation_by_code.contains(c.code_sha256))
    return fail(Error::internal("an invitation code's hash must be a new SHA-256 in hex"));
  std::string id = ctx.ids.next();
  json invitation = {{"id", id},
                     {"member_id", c.member_id},
                     {"delegation_id", (*m)->delegation_id},
                     {"code_sha256", c.code_sha256},
                     {"created_by", ctx.actor.subject},
                     {"created_at", format_rfc3339_utc(ctx.now)},
                     {"expires_at", format_rfc3339_utc(ctx.now + c.ttl)}};
  Decision d{(*m)->delegation_id, id, {}};
  d.events.push_back(
      private_event(ctx, "member_invitation.created", "invitation/" + id, 1, {{"invitation", std::move(invitation)}}));
  return d;
}

Result<Decision> decide(const State& s, const RedeemInvitation& c, const Context& ctx) {
  if (auto ok = check_identity(c.identity); !ok)
    return fail(Error::forbidden("redeeming an invitation needs a token with an issuer and a subject"));
  auto found = s.invitation_by_code.find(c.code_sha256);
  if (found == s.invitation_by_code.end())
    return fail(Error::not_found("no invitation has this code: check it, or ask your protocol officer for a new one"));
  const Invitation& inv = s.invitations.at(found->second);
  if (inv.redeemed)
    return fail(Error::conflict("this invitation has already been used; ask your protocol officer for a new one",
                                {{"invitation_id", inv.id}}));
  if (ctx.now >= inv.expires_at)
    return fail(Error::of(ErrorCode::gone, "this invitation expired at " + format_rfc3339_utc(inv.expires_at) +
                                               "; ask your protocol officer for a new one"));
  const Member* m = s.member(inv.member_id);
  if (!m) return fail(Error::not_found("the invited member no longer exists"));
  auto events = link_events(s, ctx, *m, c.identity, "invitation", inv.id);
  if (!events) return fail(events.error());
  return Decision{m->delegation_id, m->id, std::move(*events)};
}

json identity_view(const State& s, const std::string& member_id) {
  auto it = s.linked.find(member_id);
  if (it == s.linked.end()) return nullptr;
  const Member* m = s.member(member_id);
  const LinkedIdentity& l = it->second;
  return {{"member_id", member_id},
          {"delegation_id", m ? json(m->delegation_id) : json(nullptr)},
          {"issuer", l.identity.issuer},
          {"subject", l.identity.subject},
          {"via", l.via},
          {"invitation_id", l.invitation_id ? json(*l.invitation_id) : json(nullptr)},
          {"linked_at", format_rfc3339_utc(l.linked_at)}};
}

Result<json> read_identity(const State& s, const Actor& actor, const std::string& member_id) {
  const Member* m = s.member(member_id);
  if (!m) return fail(Error::not_found("no member " + member_id));
  bool self = actor.member_id && *actor.member_id == member_id;
  if (!self && !acts_for(s, actor, m->delegation_id))
    return fail(Error::forbidden(
        "a member's identity is personal: only protocol officers, their delegation's officers and the member themself "
        "read it"));
  json view = identity_view(s, member_id);
  if (view.is_null()) return fail(Error::not_found("no identity is linked to member " + member_id));
  return view;
}

json invitation_view(const Invitation& i) {
  return {{"id", i.id},
          {"member_id", i.member_id},
          {"delegation_id", i.delegation_id},
          {"created_at", format_rfc3339_utc(i.created_at)},
          {"expires_at", format_rfc3339_utc(i.expires_at)},
          {"redeemed", i.redeemed}};
}

// Called by evolve() for the private identity and invitation events; false for anything else.
bool evolve_identity(State& s, std::string_view kind, const Recorded& e) {
  if (kind == "member_identity.linked" || kind == "member_identity.unlinked") {
    std::string member = e.data.at("member_id").get<std::string>();
    // The personal view of a member shows their linked identity.
    auto forget_rendered = [&](const std::string& id) {
      if (auto m = s.members.find(id); m != s.members.end()) m->second.rendered.clear();
    };
    forget_rendered(member);
    contract::apply_identity(s.identities, e.type, e.data);
    s.identity_versions[member] += 1;
    if (kind == "member_identity.unlinked") {
      s.linked.erase(member);
      return true;
    }
    LinkedIdentity l;
    l.identity = {e.data.at("identity").at("issuer").get<std::string>(),
                  e.data.at("identity").at("subject").get<std::string>()};
    l.via = e.data.value("via", "officer");
    if (auto inv = e.data.find("invitation_id"); inv != e.data.end() && inv->is_string()) {
      l.invitation_id = inv->get<std::string>();
      if (auto it = s.invitations.find(*l.invitation_id); it != s.invitations.end()) it->second.redeemed = true;
    }
    l.linked_at = e.time;
    l.version = s.identity_versions[member];
    // One identity, one member: whichever member held it before no longer does.
    for (auto it = s.linked.begin(); it != s.linked.end();) {
      bool held_it = it->second.identity == l.identity && it->first != member;
      if (held_it) forget_rendered(it->first);
      it = held_it ? s.linked.erase(it) : std::next(it);
    }
    s.linked[member] = std::move(l);
    return true;
  }
  if (kind == "member_invitation.created") {
    const json& j = e.data.at("invitation");
    Invitation i;
    i.id = j.at("id").get<std::string>();
    i.member_id = j.at("member_id").get<std::string>();
    i.delegation_id = j.at("delegation_id").get<std::string>();
    i.code_sha256 = j.at("code_sha256").get<std::string>();
    i.created_by = j.value("created_by", "");
    auto created = parse_rfc3339(j.at("created_at").get<std::string>());
    auto expires = parse_rfc3339(j.at("expires_at").get<std::string>());
    if (!created || !expires) return true;
    i.created_at = *created;
    i.expires_at = *expires;
    s.invitation_by_code[i.code_sha256] = i.id;
    s.invitations[i.id] = std::move(i);
    return true;
  }
  return false;
}

}  // namespace concord::delegations
