// Calendar feeds: who may make a secret calendar address of which programme, and revoke it.
// The secret itself never reaches the domain (CreateFeed carries its SHA-256).
#include <algorithm>

#include "scheduling/domain/codec.hpp"
#include "scheduling/domain/decide.hpp"

namespace concord::scheduling {

namespace {

NewEvent feed_event(const char* verb, const Feed& f) {
  return {std::string(contract::kFeedPrefix) + verb,
          "feed/" + f.id,
          f.visit_id,
          f.version,
          {{"feed", to_json(f)}},
          kPrivateTopic};
}

constexpr const char* kFeedsAreFor =
    "calendar feeds are for delegation members (their own programme) and officers (a whole visit's programme)";

bool is_sha256_hex(const std::string& h) {
  return h.size() == 64 &&
         std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

bool may_manage_feed(const Actor& actor, const Feed& feed) {
  if (actor.officer) return true;
  if (actor.country && feed.created_by == actor.subject) return true;  // a delegation officer's own feeds
  return actor.member_id && feed.member_id == actor.member_id;
}

const Feed* active_feed(const State& s, const std::string& secret_sha256) {
  auto it = s.active_feed_by_secret.find(secret_sha256);
  if (it == s.active_feed_by_secret.end()) return nullptr;
  const Feed* f = s.feed(it->second);
  if (!f || f->status != "active") return nullptr;
  // A withdrawn member's programme is no longer theirs to follow: their feeds fall silent
  // (and speak again if they are reinstated).
  if (f->member_id)
    if (const Member* m = s.member(*f->member_id); m && m->status == "withdrawn") return nullptr;
  return f;
}

Result<Decision> decide(const State& s, const CreateFeed& c, const Context& ctx) {
  const Actor& a = ctx.actor;
  if (!a.officer && !a.member_id && !a.country) return fail(Error::forbidden(kFeedsAreFor));
  const Visit* visit = s.visit(c.visit_id);
  if (!visit) return fail(Error::not_found("no visit with this id"));
  if (auto ok = may_read_visit(s, a, visit->id); !ok) return fail(ok.error());
  std::optional<std::string> member = c.member_id;
  if (!a.officer && a.member_id) {
    if (member && member != a.member_id)
      return fail(Error::forbidden("a delegation member makes calendar feeds of their own programme only"));
    member = a.member_id;
  } else if (!a.officer && member) {
    // A delegation officer: a whole visit's programme, or one of their own delegation's members'.
    const Member* m = s.member(*member);
    const Delegation* d = m ? s.delegation(m->delegation_id) : nullptr;
    if (m && (!d || d->country != *a.country))
      return fail(Error::forbidden("a delegation officer of " + *a.country +
                                   " makes calendar feeds of the whole visit, or of their own delegation's members"));
  }
  if (member) {
    const Member* m = s.member(*member);
    if (!m || m->visit_id != visit->id)
      return fail(Error::validation("/member_id", "no member with this id in this visit"));
  }
  if (!is_sha256_hex(c.secret_sha256)) return fail(Error::internal("a feed secret's hash must be SHA-256 in hex"));
  if (s.active_feed_by_secret.contains(c.secret_sha256))
    return fail(Error::internal("a new feed secret collided with an existing one"));
  size_t held = 0;
  for (const auto& [id, f] : s.feeds)
    if (f.status == "active" && f.visit_id == visit->id &&
        (member ? f.member_id == member : !f.member_id && f.created_by == a.subject))
      ++held;
  if (held >= kMaxActiveFeeds)
    return fail(Error::conflict("at most " + std::to_string(kMaxActiveFeeds) +
                                    " calendar feeds may be active for one programme; revoke one first",
                                {{"active_feeds", held}}));
  Feed f;
  f.id = ctx.ids->next();
  f.visit_id = visit->id;
  f.member_id = member;
  f.created_by = a.subject;
  f.secret_sha256 = c.secret_sha256;
  f.language = c.language.empty() ? "en" : c.language;
  f.label = c.label;
  f.status = "active";
  f.version = 1;
  return std::vector<NewEvent>{feed_event("created", f)};
}

Result<Decision> decide(const State& s, const RevokeFeed& c, const Context& ctx) {
  const Actor& a = ctx.actor;
  if (!a.officer && !a.member_id && !a.country) return fail(Error::forbidden(kFeedsAreFor));
  const Feed* current = s.feed(c.feed_id);
  // Another member's feed is as unknown as a feed that does not exist.
  if (!current || !may_manage_feed(a, *current)) return fail(Error::not_found("no calendar feed with this id"));
  if (current->status == "revoked") return std::vector<NewEvent>{};
  Feed f = *current;
  f.status = "revoked";
  ++f.version;
  return std::vector<NewEvent>{feed_event("revoked", f)};
}

}  // namespace concord::scheduling
