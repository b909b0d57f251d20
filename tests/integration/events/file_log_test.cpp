// The EventLog contract on the file log: every test opens the same directory, under its own
// topic prefix.
#include <memory>

#include "concord/events/file_log.hpp"
#include "event_log_contract.hpp"
#include "temp_dir.hpp"

namespace concord::events::testing {
namespace {

const TempDir& contract_dir() {
  static TempDir dir("concord-contract-");
  return dir;
}

std::unique_ptr<EventLog> open_contract_log() {
  auto log = open_file_log(FileLogOptions{.directory = contract_dir().path()});
  EXPECT_TRUE(log) << (log ? "" : log.error().detail);
  return log ? std::move(*log) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(file, EventLogContract,
                         ::testing::Values(EventLogContractParam{
                             .name = "file", .open = open_contract_log, .patience = std::chrono::seconds{10}}),
                         contract_param_name);

}  // namespace
}  // namespace concord::events::testing
