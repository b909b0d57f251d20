#pragma once
// Ending a departed processor's open transaction at once. A processor instance's transactional
// id is also its name in the group (client.id, and group.instance.id where membership is
// static), so the members of a group can tell whose transaction a member that left may have
// left open. Until the coordinator ends that
// transaction (at transaction.timeout.ms, when its periodic sweep next runs) it holds every
// read_committed reader of what it wrote, and the committed positions of the partitions it
// consumed, which the next owner must read before it reads them. An init_transactions under the
// departed member's id ends it now: the coordinator aborts it and fences whoever held the id.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/events/kafka_log.hpp"

namespace concord::events::kafka {

// The client.id of every member of `group`; nullopt when the group cannot be described within
// `timeout`.
std::optional<std::vector<std::string>> group_members(rd_kafka_t* rk, const std::string& group,
                                                      std::chrono::milliseconds timeout);

// Fences the transactional id options.transactional_id with a short-lived producer: when this
// returns successfully, a transaction it had open is aborted (its markers written) and a
// producer still holding the id is refused from its next request on.
Status fence_transactional_id(const KafkaOptions& options);

}  // namespace concord::events::kafka
