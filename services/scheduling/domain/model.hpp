#pragma once
// The scheduling context's values and the state folded from the log: venues, visits and
// meetings (its own topic), plus the view of delegations and members it needs (folded from
// concord.delegations.v1). Plain values; no I/O.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "concord/auth/identity.hpp"
#include "concord/core/rendered_json.hpp"
#include "concord/core/time.hpp"
#include "delegations/contract/contract.hpp"
#include "delegations/contract/views.hpp"
#include "scheduling/contract/contract.hpp"
#include "scheduling/domain/interval_index.hpp"

namespace concord::scheduling {

using Localized = std::map<std::string, std::string>;

// The topics, by the contracts that own them (scheduling's own, delegations' followed).
inline constexpr std::string_view kTopic = contract::kTopic;
inline constexpr std::string_view kPrivateTopic = contract::kPrivateTopic;  // calendar feeds
inline constexpr std::string_view kDelegationsTopic = delegations::contract::kTopic;
// Followed for one thing only: which member each identity (token issuer + subject) is linked
// to, so a member's programme is theirs by Concord's state, not by a claim in their token.
inline constexpr std::string_view kDelegationsPrivateTopic = delegations::contract::kPrivateTopic;

struct Venue {
  std::string id;
  std::string name;
  std::string city;
  std::string address;
  std::string time_zone;
  int capacity = 0;
  int buffer_minutes = 0;
  long long version = 0;
  RenderedJson<> rendered;  // its JSON as the API shows it (not in the snapshot)
};

struct Visit {
  std::string id;
  Localized title;
  std::string kind;  // official_visit | working_visit | commission_session
  std::string host_country;
  std::string guest_country;
  Days starts_on{};
  Days ends_on{};
  std::string time_zone;
  std::string status;  // planned | confirmed | completed | cancelled
  long long version = 0;
  // Not in the snapshot: [midnight of starts_on, midnight after ends_on) in the visit's zone,
  // resolved once by evolve() so a conflict check does no time-zone lookups.
  std::optional<std::pair<Timestamp, Timestamp>> window;
  RenderedJson<> rendered;  // its JSON as the API shows it (not in the snapshot)
};

struct Meeting {
  std::string id;
  std::string visit_id;
  Localized title;
  std::string kind;
  Timestamp start{};
  Timestamp end{};
  std::optional<std::string> venue_id;
  std::string time_zone;                  // the venue's, else the visit's
  std::vector<std::string> participants;  // precedence order
  std::vector<std::string> interpretation;
  std::string notes;
  std::string status;  // scheduled | cancelled
  long long version = 0;
  Timestamp created_at{};   // time of the first event (not in the snapshot: the event's time)
  Timestamp updated_at{};   // time of the latest event
  RenderedJson<> rendered;  // its JSON as the API shows it, local times included (not in the snapshot)
};

// The views of concord.delegations.v1 this service keeps, as delegations' contract gives them.
using Delegation = delegations::contract::DelegationView;
using Member = delegations::contract::MemberView;

// A secret calendar address: the programme of a visit (an officer's), or of one member in it
// (the meetings they attend), as programme.ics renders it. Only the secret's SHA-256 is kept.
struct Feed {
  std::string id;
  std::string visit_id;
  std::optional<std::string> member_id;  // none: the whole visit
  std::string created_by;                // the subject that made it
  std::string secret_sha256;             // lowercase hex
  std::string language = "en";           // of the calendar's texts
  std::string label;
  std::string status;  // active | revoked
  long long version = 0;
  Timestamp created_at{};  // the events' times (not in the snapshot)
  std::optional<Timestamp> revoked_at;
  RenderedJson<> rendered;  // its JSON as the API lists it, feed_view (not in the snapshot)
};

// Snapshots encode this (domain/snapshot.cpp): a change here must bump kStateVersion there.
struct State {
  std::map<std::string, Venue> venues;  // ids are UUIDv7: map order is creation order
  std::map<std::string, Visit> visits;
  std::unordered_map<std::string, Meeting> meetings;
  std::unordered_map<std::string, std::vector<std::string>> meetings_of_visit;  // creation order
  // Visit id → start_key(meeting) → meeting id: the visit's meetings by start (then creation).
  std::unordered_map<std::string, std::map<std::string, std::string>> meetings_by_start;
  std::map<std::string, Delegation> delegations;
  std::unordered_map<std::string, Member> members;
  // Scheduled (not cancelled) meetings, by venue and by participant.
  std::unordered_map<std::string, IntervalIndex> by_venue;
  std::unordered_map<std::string, IntervalIndex> by_participant;
  std::map<std::string, Feed> feeds;  // by id: creation order
  // Visit id → the ids of its feeds (revoked ones too), in the same order: a visit's list.
  std::unordered_map<std::string, std::set<std::string>> feeds_by_visit;
  std::unordered_map<std::string, std::string> active_feed_by_secret;  // SHA-256 → feed id
  auth::IdentityLinks identities;  // who signs in as which member (concord.delegations.private.v1)
  // Raised by every applied event, so renderings can be cached against it.
  std::uint64_t revision = 0;

  const Venue* venue(std::string_view id) const;
  const Visit* visit(std::string_view id) const;
  const Meeting* meeting(std::string_view id) const;
  const Member* member(std::string_view id) const;
  const Delegation* delegation(std::string_view id) const;
  const Feed* feed(std::string_view id) const;
};

// A meeting's place in its visit's programme: by start, then id (UUIDv7: creation order).
std::string start_key(const Meeting& m);

// Ranks of docs/event-contract.md, highest first; an unknown rank sorts last.
int rank_order(std::string_view rank);
// Display text of a localized value: `lang`, else English, else the first entry.
std::string text_in(const Localized& text, std::string_view lang);
// Precedence (docs/event-contract.md): by delegation (host side, then guest, then others), and
// within a delegation the head first, then rank, then precedence_order (absent last), then full
// name. Unknown members go last, in id order.
void sort_by_precedence(const State& state, std::vector<std::string>& member_ids);

// The caller, as the domain sees it (mapped from the authenticated principal by the API).
struct Actor {
  std::string subject;
  bool officer = false;     // host_officer or admin
  bool integrator = false;  // reads everything public: integrators and delegation officers
  std::optional<std::string> member_id;
  std::optional<std::string> delegation_id;
  // A delegation officer (their country): reads the programme as an integrator does, and keeps
  // calendar feeds of whole visits as any officer may.
  std::optional<std::string> country;
};

}  // namespace concord::scheduling
