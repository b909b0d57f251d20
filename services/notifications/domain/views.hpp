#pragma once
// What notifications knows of the other contexts, folded from their public topics
// (docs/event-contract.md): the member directory (concord.delegations.v1), venues and meetings
// (concord.scheduling.v1) and documents (concord.documents.v1). Pure: no I/O, no clock.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/identity.hpp"
#include "concord/core/json_read.hpp"
#include "concord/core/time.hpp"
#include "delegations/contract/contract.hpp"
#include "delegations/contract/views.hpp"
#include "documents/contract/contract.hpp"
#include "notifications/contract/contract.hpp"
#include "scheduling/contract/contract.hpp"
#include "scheduling/contract/views.hpp"

namespace concord::notifications {

using Localized = std::map<std::string, std::string>;  // {"en": "...", "ru": "..."}

// One consumed event, as the domain sees it: what the CloudEvent envelope says that matters here.
struct Incoming {
  std::string id;
  std::string type;
  Timestamp time{};
  nlohmann::json data = nlohmann::json::object();
};

// A member as delegations' contract gives it (the view scheduling and documents keep too), and
// what notifications alone reads of the same snapshot: the channels the member is reached on and
// where its accreditation stands. The view is the base, so `member.time_zone` reads as before.
struct Member : delegations::contract::MemberView {
  std::vector<std::string> channels;
  std::string accreditation = "none";
  // When the withdrawal was recorded (its event's time): what happened before it is still told,
  // whichever topic a reader folds first. Nullopt while the member is active.
  std::optional<Timestamp> withdrawn_at;
};

struct Venue {
  std::string id;
  Localized name;
  std::string city;
  std::string time_zone;
  long long version = 0;
};

// A meeting as scheduling's contract gives it, and what a notification about it says: its title,
// venue, time zone and who takes part.
struct Meeting : scheduling::contract::MeetingView {
  Localized title;
  std::string venue_id;
  std::string time_zone;
  std::vector<std::string> participants;
};

struct Signing {
  std::string meeting_id;
  Timestamp start{};
  Timestamp end{};
};

struct Document {
  std::string id;
  Localized title;
  std::string kind;
  std::string status;
  std::vector<std::string> signatories;  // member ids
  std::optional<Signing> signing;
  long long version = 0;
};

// E-mail addresses, from concord.delegations.private.v1 (personal data: never on our topic).
// A private event counts only once the public event written with it (its public_event_id) is
// in the log, as delegations itself decides: the two topics are read in any order, so whichever
// comes second applies the address.
struct Contacts {
  std::map<std::string, std::string> email;                            // member id → address
  std::map<std::string, std::pair<std::string, std::string>> waiting;  // public event id → (member, address)
  std::set<std::string> member_events;                                 // ids of public member events seen
};

struct Views {
  std::map<std::string, Member> members;
  Contacts contacts;
  auth::IdentityLinks identities;  // who signs in as which member (concord.delegations.private.v1)
  std::map<std::string, Venue> venues;
  std::map<std::string, Meeting> meetings;
  std::map<std::string, Document> documents;
  // Participant → the meetings they are listed in: a member's reminders come from their own
  // meetings, not from every meeting's participants. Not in the snapshot (reindex rebuilds it).
  std::map<std::string, std::set<std::string>> meetings_of_member;
  // The scheduled meetings by start: the reminders due now are those of the meetings starting
  // within the longest offset, found without walking every meeting ever held. Not in the
  // snapshot (reindex rebuilds it).
  std::set<std::pair<Timestamp, std::string>> scheduled_by_start;
};

// Rebuilds what evolve keeps beside the views (meetings_of_member, scheduled_by_start), e.g.
// after a snapshot.
void reindex(Views& views);

// Snapshot readers: tolerant of missing optional fields; nullopt when the snapshot lacks what
// identifies it (a member's and a meeting's are their contract's: ids, visit, a meeting's times).
// They never throw.
std::optional<Member> member_of(const nlohmann::json& snapshot);
std::optional<Venue> venue_of(const nlohmann::json& snapshot);
std::optional<Meeting> meeting_of(const nlohmann::json& snapshot);
std::optional<Document> document_of(const nlohmann::json& snapshot);

// Applies one event of concord.delegations.v1, concord.scheduling.v1 or concord.documents.v1.
// Upserts the snapshot the event carries unless the view already holds that version or a newer
// one, so applying an event twice (a rewound batch, a replay that ran ahead of the consumer
// group) changes nothing. Unknown types and malformed data are ignored.
void evolve(Views& views, const Incoming& event);
// Followed for contact addresses and identity links.
inline constexpr const char* kPrivateTopic = delegations::contract::kPrivateTopic.data();
inline constexpr const char* kContactSet = delegations::contract::kContactSet.data();

}  // namespace concord::notifications
