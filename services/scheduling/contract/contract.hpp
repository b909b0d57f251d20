#pragma once
// The scheduling service's public contract for the other services: the topics it writes and
// the event types they read (docs/event-contract.md describes the events). Every other service
// names these through this header, never as literals. Pure: no I/O.
#include <string_view>

namespace concord::scheduling::contract {

inline constexpr std::string_view kService = "scheduling";

// Venues, visits and meetings: public, documented for integrators.
inline constexpr std::string_view kTopic = "concord.scheduling.v1";
// Calendar feeds (secret addresses and who holds them): Concord's services only, never
// documented for integrators (docs/event-contract.md says why).
inline constexpr std::string_view kPrivateTopic = "concord.scheduling.private.v1";

// Every event type starts with kPrefix; the aggregates' prefixes follow.
inline constexpr std::string_view kPrefix = "concord.scheduling.";
inline constexpr std::string_view kVenuePrefix = "concord.scheduling.venue.";
inline constexpr std::string_view kVisitPrefix = "concord.scheduling.visit.";
inline constexpr std::string_view kMeetingPrefix = "concord.scheduling.meeting.";
inline constexpr std::string_view kFeedPrefix = "concord.scheduling.feed.";

inline constexpr std::string_view kVisitPlanned = "concord.scheduling.visit.planned";
inline constexpr std::string_view kVisitUpdated = "concord.scheduling.visit.updated";
inline constexpr std::string_view kMeetingCancelled = "concord.scheduling.meeting.cancelled";

}  // namespace concord::scheduling::contract
