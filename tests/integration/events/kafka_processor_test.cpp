// Exactly-once consume → produce → commit across a crash: a processor (a child process) is
// SIGKILLed inside a transaction, after its outputs were produced and its offsets sent, right
// before commit_transaction. Restarting it (same group, same transactional id) neither loses
// nor duplicates an output.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>

#include "kafka_test_support.hpp"

namespace concord::events {
namespace {

using namespace std::chrono_literals;
using kafka_test::make_event;
using kafka_test::unique;

// Long enough that waiting it out would show.
constexpr std::chrono::milliseconds kStaticSession{45000};

struct ChildResult {
  bool exited = false;  // within the time given
  int status = 0;
  std::string output;
};

// Runs the helper with KAFKA_BROKERS inherited, collecting its stdout, for at most `limit`.
ChildResult run_helper(const std::vector<std::string>& args, std::chrono::seconds limit) {
  int out[2];
  if (::pipe(out) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    std::string path = CONCORD_KAFKA_PROCESSOR_HELPER;
    argv.push_back(path.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::fcntl(out[0], F_SETFL, O_NONBLOCK);
  ChildResult result;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    ::poll(&p, 1, 50);
    char buf[512];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) result.output.append(buf, static_cast<size_t>(n));
    if (::waitpid(pid, &result.status, WNOHANG) == pid) {
      result.exited = true;
      break;
    }
  }
  if (!result.exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &result.status, 0);
  }
  ::close(out[0]);
  return result;
}

// Kills the processor inside its second transaction, restarts it, and checks every input has
// exactly one output. `took`: the seconds from the restart to all processed.
void kill_and_restart(bool static_membership, double& took) {
  std::string brokers = kafka_test::brokers();
  ASSERT_FALSE(brokers.empty()) << kafka_test::kNoBroker;
  // Names of this test's own: both tests run in one process, under one run tag.
  std::string mode = static_membership ? "static" : "dynamic";
  std::string in = unique("proc-in-" + mode), out = unique("proc-out-" + mode), group = unique("processor-" + mode);
  std::string processor_id = unique("processor-writer-" + mode);

  auto o = kafka_test::options(unique("proc-input-writer-" + mode));
  o.append_timeout = 3s;
  o.abort_grace = 1s;
  auto setup = open_kafka_log(o);
  ASSERT_TRUE(setup) << setup.error().detail;
  auto& log = **setup;
  ASSERT_TRUE(log.ensure_topics({TopicSpec{.name = in, .partitions = 3}, TopicSpec{.name = out, .partitions = 3}}));
  std::set<std::string> inputs;
  for (int k = 0; k < 5; ++k) {
    std::string key = "member-" + std::to_string(k);
    std::vector<Event> batch;
    for (int n = 0; n < 6; ++n) batch.push_back(make_event(key, n));
    for (const auto& e : batch) inputs.insert(e.id);
    ASSERT_TRUE(log.append(in, key, batch));
  }

  // The first transaction commits, the second is killed right before commit_transaction.
  auto child = run_helper({in, out, group, processor_id, "2", "5", mode}, 60s);
  ASSERT_TRUE(child.exited) << "the processor did not die in time; it printed:\n" << child.output;
  ASSERT_TRUE(WIFSIGNALED(child.status) && WTERMSIG(child.status) == SIGKILL)
      << "status " << child.status << "; it printed:\n"
      << child.output;
  ASSERT_NE(child.output.find("dying before commit"), std::string::npos) << child.output;
  size_t committed_by_child = 0;
  std::istringstream lines(child.output);
  for (std::string word; lines >> word;) {
    if (word == "committed") {
      size_t n = 0;
      lines >> n;
      committed_by_child += n;
    }
  }
  ASSERT_GT(committed_by_child, 0u);
  ASSERT_LT(committed_by_child, inputs.size());

  auto outputs_now = [&] {
    std::vector<Record> records;
    auto st = log.replay(out, [&](const Record& r) -> Status {
      records.push_back(r);
      return {};
    });
    EXPECT_TRUE(st) << (st ? "" : st.error().detail);
    return records;
  };
  // The killed transaction is still open on the broker: none of its outputs is visible.
  EXPECT_EQ(outputs_now().size(), committed_by_child);

  // Restart: the same transactional id (init_transactions aborts the zombie's transaction) and
  // the same group (it resumes from the positions the first transaction committed).
  auto t0 = std::chrono::steady_clock::now();
  auto restart_options = kafka_test::options(processor_id);
  if (static_membership) {
    restart_options.static_membership = true;
    restart_options.session_timeout = kStaticSession;
  }
  auto restarted = open_kafka_log(restart_options);
  ASSERT_TRUE(restarted) << restarted.error().detail;
  EXPECT_EQ(outputs_now().size(), committed_by_child) << "the zombie's transaction was aborted, not committed";
  {
    auto sub = (*restarted)->subscribe({in}, group);
    ASSERT_TRUE(sub) << sub.error().detail;
    size_t processed = 0;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (committed_by_child + processed < inputs.size() && std::chrono::steady_clock::now() < deadline) {
      auto records = (*sub)->poll(200ms, 10);
      ASSERT_TRUE(records) << records.error().detail;
      if (records->empty()) continue;
      std::vector<Output> outs;
      for (const auto& r : *records) {
        Event e = r.event;
        e.id = new_uuid_v7();
        e.type = "concord.test.output.made";
        e.causationid = r.event.id;
        outs.push_back(Output{out, r.key, e});
      }
      auto st = (*sub)->commit_with(outs, *records);
      ASSERT_TRUE(st) << st.error().detail;
      processed += records->size();
    }
    EXPECT_EQ(committed_by_child + processed, inputs.size()) << "the restart resumes where the commit left off";
    auto extra = (*sub)->poll(1s, 10);
    ASSERT_TRUE(extra);
    EXPECT_TRUE(extra->empty()) << "nothing is left to process twice";
  }
  took = kafka_test::seconds_since(t0);
  std::cout << "[ figures  ] restart to all processed: " << took << " s\n";

  std::map<std::string, int> outputs_per_input;
  auto outputs = outputs_now();
  for (const auto& r : outputs) ++outputs_per_input[r.event.causationid];
  EXPECT_EQ(outputs.size(), inputs.size());
  for (const auto& id : inputs) EXPECT_EQ(outputs_per_input[id], 1) << "input " << id;
}

TEST(KafkaProcessor, a_processor_killed_between_produce_and_commit_neither_loses_nor_duplicates_output) {
  double took = 0;
  kill_and_restart(false, took);
}

// The services' mode: group.instance.id fixed by the transactional id. The restarted member is
// the killed one, so it gets its partitions back without waiting for the old session to end.
TEST(KafkaProcessor, a_static_member_restarted_after_a_kill_takes_over_before_its_session_expires) {
  double took = 0;
  kill_and_restart(true, took);
  if (HasFatalFailure()) return;
  EXPECT_LT(took, std::chrono::duration<double>(kStaticSession).count())
      << "the restart waited out the killed member's session";
}

}  // namespace
}  // namespace concord::events
