#pragma once
// The one rule for topic names, shared by both logs so a name that works in the file log works
// on Kafka: Kafka's, 1–249 of [A-Za-z0-9._-], not "." or "..".
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/error.hpp"

namespace concord::events::detail {

bool valid_topic_name(std::string_view name);
// The topics a reader asks for: at least one, each valid, none twice; refusals are `rejected`.
Status check_topic_list(const std::vector<std::string>& topics);

}  // namespace concord::events::detail
