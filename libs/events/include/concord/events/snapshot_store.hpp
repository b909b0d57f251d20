#pragma once
// Snapshots of a service's state, each with the log positions it includes, so that a start
// replays only what follows them instead of the whole history (DESIGN §7, Availability).
//
// A snapshot is kept whole or not at all: the state's bytes travel with their length, a CRC-32C
// of them, the service's name and the schema version of the state's encoding. latest() hands
// back a snapshot only when all of that checks out; anything else (a damaged or half-written
// file, another service's, another version's) is reported as the reason there is none, and the
// caller replays the whole log. The encoding of a state is the service's business (its domain's
// state codec); this layer only stores bytes.
//
// Where they live: in the data directory (`<CONCORD_DATA_DIR>/snapshots/<service>.snapshot`),
// written to a temporary file, fsync'd, renamed over the previous one, the directory fsync'd;
// the latest one only. See the README ("Snapshots") for why there and not (yet) a compacted topic.
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"

namespace concord::events {

struct Snapshot {
  std::string service;   // "scheduling"
  int version = 0;       // of the state's encoding: a snapshot of another version is never used
  Positions positions;   // for each topic folded into the state, the next offset per partition
  long long events = 0;  // how many events the state folds (for logs and figures)
  std::string state;     // the encoded state
  // Of the layout its writer wraps around the state (libs/service's Store: its remembered
  // requests); 0 in files that have none. The writer checks it: this layer only carries it.
  int envelope = 0;
};

// Why latest() found no snapshot to use: nothing written yet, or one that must not be used.
struct NoSnapshot {
  std::string reason;
};

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;
  // Replaces the service's snapshot with `snapshot` once it is durable; a failure (or a crash
  // half-way) leaves the previous one in place and whole.
  virtual Status write(const Snapshot& snapshot) = 0;
  // The service's latest snapshot if it is whole and of `version`; else why not.
  virtual Result<std::variant<Snapshot, NoSnapshot>> latest(const std::string& service, int version) = 0;
};

// Snapshots as files in `directory` (created if missing).
Result<std::shared_ptr<SnapshotStore>> open_file_snapshots(const std::string& directory);

// The bytes of a snapshot file and back (exposed for tests that damage them on purpose).
std::string encode_snapshot_file(const Snapshot& snapshot);
std::variant<Snapshot, NoSnapshot> decode_snapshot_file(std::string_view bytes, const std::string& service,
                                                        int version);

}  // namespace concord::events
