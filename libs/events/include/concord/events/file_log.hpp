#pragma once
// The embedded EventLog (the default when KAFKA_BROKERS is not set): one append-only,
// checksummed, fsync'd file per topic under a data directory, used by one process at a time.
#include <filesystem>
#include <memory>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"

namespace concord::events {

struct FileLogOptions {
  std::filesystem::path directory;  // CONCORD_DATA_DIR; created when missing
  // Concurrent appenders share one fdatasync. Off only to measure what it buys.
  bool group_commit = true;
};

// Opens the log, recovering every topic first: a torn or corrupt tail (what a crash mid-write
// leaves) is cut off and logged as a warning; damage followed by valid records stops the open
// with an error naming the file and the byte, rather than dropping acknowledged events. While
// it is open the directory is locked: a second process (or a second open in this one) gets an
// error with LogFailure::fenced. Everything is released when the log and its subscriptions are
// destroyed.
Result<std::unique_ptr<EventLog>> open_file_log(FileLogOptions options);

}  // namespace concord::events
