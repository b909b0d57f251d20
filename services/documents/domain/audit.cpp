// The audit chain: every event of a document carries the hash of the one before it.
#include "concord/crypto/crypto.hpp"
#include "documents/domain/decide.hpp"

namespace concord::documents {

std::string chain_hash(const NewEvent& event) {
  nlohmann::json data = event.data;
  if (data.is_object()) data.erase("hash");
  nlohmann::json canonical = {{"id", event.id},
                              {"type", event.type},
                              {"subject", event.subject},
                              {"sequence", event.sequence},
                              {"time", format_rfc3339_utc(event.time)},
                              {"actor", event.actor},
                              {"data", std::move(data)}};
  // nlohmann's objects keep keys sorted, and dump() without indent writes no whitespace.
  return crypto::sha256_hex(canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

ChainVerdict verify_chain(const Document& doc) {
  std::string previous(kGenesisHash);
  long long expected_sequence = 1;
  for (const auto& entry : doc.audit) {
    auto broken = [&](std::string reason) {
      return ChainVerdict{false, entry.sequence, entry.event_id, std::move(reason)};
    };
    if (entry.computed_hash != entry.hash)
      return broken("the event's content does not match its hash: it was altered after it was written");
    if (entry.previous_hash != previous)
      return broken(
          "previous_hash does not match the hash of the event before it: an event before this one was "
          "removed, inserted or altered");
    if (entry.sequence != expected_sequence)
      return broken("sequence " + std::to_string(entry.sequence) + " follows " + std::to_string(expected_sequence - 1) +
                    ": an event is missing");
    previous = entry.hash;
    ++expected_sequence;
  }
  return {};
}

}  // namespace concord::documents
