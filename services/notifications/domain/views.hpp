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
#include "concord/core/time.hpp"
#include "delegations/contract/contract.hpp"
#include "documents/contract/contract.hpp"
#include "notifications/contract/contract.hpp"
#include "scheduling/contract/contract.hpp"

namespace concord::notifications {

using Localized = std::map<std::string, std::string>;  // {"en": "...", "ru": "..."}

// One consumed event, as the domain sees it: what the CloudEvent envelope says that matters here.
struct Incoming {
  std::string id;
  std::string type;
  Timestamp time{};
  nlohmann::json data = nlohmann::json::object();
};

struct Member {
  std::string id;
  std::string delegation_id;
  std::string visit_id;
  Localized full_name;
  std::vector<std::string> languages;
  std::string time_zone;              // IANA; empty when unknown
  std::string notification_language;  // BCP 47; empty when unknown
  std::vector<std::string> channels;
  std::string status = "active";  // "active" | "withdrawn"
  std::string accreditation = "none";
  long long version = 0;
};

struct Venue {
  std::string id;
  Localized name;
  std::string city;
  std::string time_zone;
  long long version = 0;
};

struct Meeting {
  std::string id;
  std::string visit_id;
  Localized title;
  std::string kind;
  Timestamp start{};
  Timestamp end{};
  std::string venue_id;
  std::string time_zone;
  std::vector<std::string> participants;
  std::string status = "scheduled";  // "scheduled" | "cancelled"
  long long version = 0;
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
};

// Snapshot readers: tolerant of missing optional fields; nullopt when the snapshot lacks an id
// (or, for a meeting, its times). They never throw.
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

// Helpers shared by the codecs.
namespace json_read {
std::string str(const nlohmann::json& j, const char* key);
Localized localized(const nlohmann::json& j, const char* key);
std::vector<std::string> strings(const nlohmann::json& j, const char* key);
std::optional<Timestamp> time(const nlohmann::json& j, const char* key);
long long integer(const nlohmann::json& j, const char* key, long long fallback = 0);
}  // namespace json_read

}  // namespace concord::notifications
