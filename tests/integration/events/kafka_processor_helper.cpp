// A consume → produce → commit processor for kafka_processor_test, run as a child process:
//   kafka_processor_helper <in-topic> <out-topic> <group> <transactional-id> <die-at> <max-per-poll> <static|dynamic>
// For every polled batch it appends one output per input (causationid = the input's id) and
// commits the batch's positions with it (commit_with). Its die-at'th transaction SIGKILLs the
// process after everything was produced and the offsets sent, right before commit_transaction.
// Prints "committed <n>" per committed batch. Brokers come from KAFKA_BROKERS.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "concord/core/id.hpp"
#include "concord/events/kafka_log.hpp"

using namespace concord;
using namespace concord::events;

int main(int argc, char** argv) {
  if (argc != 8 || std::getenv("KAFKA_BROKERS") == nullptr) {
    std::fprintf(stderr, "usage: KAFKA_BROKERS=... %s in out group txn-id die-at max-per-poll static|dynamic\n",
                 argv[0]);
    return 2;
  }
  std::string in = argv[1], out = argv[2], group = argv[3];
  int die_at = std::atoi(argv[5]);
  auto max_per_poll = static_cast<size_t>(std::atoi(argv[6]));

  KafkaOptions o;
  o.brokers = std::getenv("KAFKA_BROKERS");
  o.transactional_id = argv[4];
  o.session_timeout = std::chrono::milliseconds(6000);
  if (std::string(argv[7]) == "static") {
    o.static_membership = true;
    o.session_timeout = std::chrono::milliseconds(45000);  // as kStaticSession in the test
  }
  int transactions = 0;
  o.before_commit_for_testing = [&] {
    if (++transactions == die_at) {
      std::printf("dying before commit\n");
      std::fflush(stdout);
      std::raise(SIGKILL);
    }
  };
  auto log = open_kafka_log(o);
  if (!log) {
    std::fprintf(stderr, "open: %s\n", log.error().detail.c_str());
    return 3;
  }
  auto sub = (*log)->subscribe({in}, group);
  if (!sub) {
    std::fprintf(stderr, "subscribe: %s\n", sub.error().detail.c_str());
    return 3;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto records = (*sub)->poll(std::chrono::milliseconds(200), max_per_poll);
    if (!records) {
      std::fprintf(stderr, "poll: %s\n", records.error().detail.c_str());
      return 3;
    }
    if (records->empty()) continue;
    std::vector<Output> outputs;
    for (const auto& r : *records) {
      Event e = r.event;
      e.id = new_uuid_v7();
      e.type = "concord.test.output.made";
      e.causationid = r.event.id;
      outputs.push_back(Output{out, r.key, e});
    }
    if (auto s = (*sub)->commit_with(outputs, *records); !s) {
      std::fprintf(stderr, "commit_with: %s\n", s.error().detail.c_str());
      return 3;
    }
    std::printf("committed %zu\n", records->size());
    std::fflush(stdout);
  }
  return 4;  // never reached its die-at transaction
}
