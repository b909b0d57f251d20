#pragma once
// JSON of the snapshots in event data (docs/event-contract.md), both ways. Reading is lenient
// about extra fields and strict about the ones it needs: a snapshot it cannot read is nullopt,
// and evolve() then skips the event rather than folding half of it.
#include <optional>

#include <nlohmann/json.hpp>

#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

nlohmann::json to_json(const Venue& v);
nlohmann::json to_json(const Visit& v);
nlohmann::json to_json(const Meeting& m);
// The event snapshot of a feed (with its secret's hash: private topic only).
nlohmann::json to_json(const Feed& f);
// What the API shows of a feed: no hash, with the times.
nlohmann::json feed_view(const Feed& f);

std::optional<Venue> venue_from_json(const nlohmann::json& j);
std::optional<Visit> visit_from_json(const nlohmann::json& j);
std::optional<Meeting> meeting_from_json(const nlohmann::json& j);
std::optional<Feed> feed_from_json(const nlohmann::json& j);

nlohmann::json localized_json(const Localized& text);

}  // namespace concord::scheduling
