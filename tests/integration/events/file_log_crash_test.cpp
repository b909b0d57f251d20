// Crash tests: a child process works on the log and tells the parent, through a pipe, what the
// log acknowledged; the parent kills it with SIGKILL at a random point, reopens the log and
// checks that everything acknowledged is there and nothing half-done is.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "concord/core/log.hpp"
#include "concord/events/file_log.hpp"
#include "temp_dir.hpp"

namespace concord::events::testing {
namespace {

namespace fs = std::filesystem;

Event make(std::string id, nlohmann::json data) {
  Event e;
  e.id = std::move(id);
  e.source = "/concord/crash-test";
  e.type = "concord.test.thing.happened";
  e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'000}};
  e.data = std::move(data);
  return e;
}

// One line to the parent; a write of less than PIPE_BUF bytes is never interleaved.
void report(int fd, const std::string& line) {
  std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) ::_exit(9);
}

// The parent's end of the pipe, read line by line.
class Lines {
 public:
  explicit Lines(int fd) : fd_(fd) {}
  ~Lines() { ::close(fd_); }
  // The next line, or nothing at the end of the stream.
  std::optional<std::string> next() {
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      char chunk[4096];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

struct Child {
  pid_t pid;
  std::unique_ptr<Lines> lines;
};

template <class Work>
Child spawn(Work work) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    log::set_level(log::Level::error);
    work(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  return Child{pid, std::make_unique<Lines>(fds[0])};
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// ---------------------------------------------------------------------------------------------

// Three threads append batches of 1–8 events in a loop and report every acknowledged batch.
void appender(const fs::path& dir, unsigned seed, int out) {
  auto log = open_file_log(FileLogOptions{.directory = dir});
  if (!log) report(out, "ERR " + log.error().detail), ::_exit(2);
  if (auto st = (*log)->ensure_topics({{.name = "crash"}}); !st) report(out, "ERR " + st.error().detail), ::_exit(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(seed * 31 + static_cast<unsigned>(t));
      for (long b = 0;; ++b) {
        int size = 1 + static_cast<int>(rng() % 8);
        std::string batch = "s" + std::to_string(seed) + "-t" + std::to_string(t) + "-b" + std::to_string(b);
        std::vector<Event> events;
        for (int i = 0; i < size; ++i)
          events.push_back(make(batch + "-" + std::to_string(i), {{"batch", batch}, {"i", i}, {"size", size}}));
        if (auto st = (*log)->append("crash", batch, events); !st) report(out, "ERR " + st.error().detail), ::_exit(3);
        report(out, "ACK " + batch);
      }
    });
  }
  for (auto& th : threads) th.join();
}

TEST(FileLogCrash, every_acknowledged_append_survives_a_kill_and_no_batch_is_partial) {
  TempDir dir("concord-crash-");
  std::random_device rd;
  const unsigned base = rd();
  SCOPED_TRACE("seed " + std::to_string(base));
  std::mt19937 rng(base);
  std::set<std::string> acked;
  for (unsigned round = 0; round < 6; ++round) {
    auto child = spawn([&](int out) { appender(dir.path(), base + round, out); });
    const size_t target = 30 + rng() % 300;
    size_t acks = 0;
    bool killed = false;
    while (auto line = child.lines->next()) {
      ASSERT_FALSE(line->starts_with("ERR")) << *line;
      if (line->starts_with("ACK ")) acked.insert(line->substr(4)), ++acks;
      if (!killed && acks >= target) {
        ::kill(child.pid, SIGKILL);
        killed = true;
      }
    }
    int status = reap(child.pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;

    auto log = open_file_log(FileLogOptions{.directory = dir.path()});
    ASSERT_TRUE(log) << log.error().detail;
    std::set<std::string> complete;
    std::string current;
    int expect_i = 0, size = 0;
    auto st = (*log)->replay("crash", [&](const Record& r) -> Status {
      auto batch = r.event.data["batch"].get<std::string>();
      int i = r.event.data["i"].get<int>();
      if (i == 0) {
        EXPECT_EQ(expect_i, size) << "batch " << current << " is cut short by " << batch;
        EXPECT_FALSE(complete.contains(batch)) << "batch " << batch << " appears twice";
        current = batch;
        size = r.event.data["size"].get<int>();
        expect_i = 0;
      }
      EXPECT_EQ(batch, current) << "events of another batch inside batch " << current;
      EXPECT_EQ(i, expect_i) << "batch " << batch;
      EXPECT_EQ(r.key, batch);
      if (++expect_i == size) complete.insert(batch);
      return {};
    });
    ASSERT_TRUE(st) << st.error().detail;
    EXPECT_EQ(expect_i, size) << "the last batch " << current << " is partial";
    for (const auto& batch : acked)
      ASSERT_TRUE(complete.contains(batch)) << "acknowledged batch " << batch << " is lost";
    EXPECT_GE(complete.size(), acked.size());
  }
}

// ---------------------------------------------------------------------------------------------

constexpr int kInputs = 400;

// Consumes "in" and, per input n, writes "a-n" to out-a and, when n % 3 == 0, "b-n" to out-b,
// in steps of 1–7 inputs through commit_with. Reports each committed step and the end.
void processor(const fs::path& dir, unsigned seed, int out) {
  auto log = open_file_log(FileLogOptions{.directory = dir});
  if (!log) report(out, "ERR " + log.error().detail), ::_exit(2);
  auto sub = (*log)->subscribe({"in"}, "processor");
  if (!sub) report(out, "ERR " + sub.error().detail), ::_exit(2);
  std::mt19937 rng(seed);
  for (;;) {
    auto got = (*sub)->poll(std::chrono::milliseconds{0}, 1 + rng() % 7);
    if (!got) report(out, "ERR " + got.error().detail), ::_exit(3);
    if (got->empty()) {
      report(out, "DONE");
      return;
    }
    std::vector<Output> outputs;
    for (const auto& r : *got) {
      long long n = r.event.data["n"].get<long long>();
      outputs.push_back(Output{"out-a", r.key, make("a-" + std::to_string(n), {{"n", n}})});
      if (n % 3 == 0) outputs.push_back(Output{"out-b", r.key, make("b-" + std::to_string(n), {{"n", n}})});
    }
    if (auto st = (*sub)->commit_with(outputs, *got); !st) report(out, "ERR " + st.error().detail), ::_exit(3);
    report(out, "COMMITTED " + std::to_string(got->back().offset + 1));
  }
}

// Outputs must be exactly those of the inputs before the committed position: none lost, none twice.
long long check_processor_state(const fs::path& dir, long long acked_position) {
  auto log = open_file_log(FileLogOptions{.directory = dir});
  EXPECT_TRUE(log) << log.error().detail;
  if (!log) return -1;
  long long position;
  {
    auto sub = (*log)->subscribe({"in"}, "processor");
    EXPECT_TRUE(sub);
    auto next = (*sub)->poll(std::chrono::milliseconds{0}, 1);
    EXPECT_TRUE(next);
    position = next->empty() ? kInputs : next->front().offset;
  }
  EXPECT_GE(position, acked_position) << "an acknowledged commit_with was lost";
  for (const auto& [topic, every] : {std::pair{"out-a", 1}, std::pair{"out-b", 3}}) {
    std::vector<long long> got, want;
    auto st = (*log)->replay(topic, [&](const Record& r) -> Status {
      got.push_back(r.event.data["n"].get<long long>());
      return {};
    });
    EXPECT_TRUE(st);
    for (long long n = 0; n < position; ++n)
      if (n % every == 0) want.push_back(n);
    EXPECT_EQ(got, want) << topic << " does not match the committed position " << position;
  }
  return position;
}

TEST(FileLogCrash, commit_with_outputs_match_the_committed_positions_after_any_kill) {
  TempDir dir("concord-crash-");
  {
    auto log = open_file_log(FileLogOptions{.directory = dir.path()});
    ASSERT_TRUE(log) << log.error().detail;
    ASSERT_TRUE((*log)->ensure_topics({{.name = "in"}, {.name = "out-a"}, {.name = "out-b"}}));
    for (int b = 0; b < kInputs; b += 8) {
      std::vector<Event> batch;
      for (int n = b; n < b + 8; ++n) batch.push_back(make("in-" + std::to_string(n), {{"n", n}}));
      ASSERT_TRUE((*log)->append("in", "k" + std::to_string(b % 5), batch));
    }
  }
  std::random_device rd;
  const unsigned base = rd();
  SCOPED_TRACE("seed " + std::to_string(base));
  std::mt19937 rng(base);
  long long acked = 0, position = 0;
  int kills = 0;
  for (unsigned round = 0; round < 30 && position < kInputs; ++round) {
    auto child = spawn([&](int out) { processor(dir.path(), base + round, out); });
    const int target = 1 + static_cast<int>(rng() % 6);
    int commits = 0;
    bool killed = false;
    while (auto line = child.lines->next()) {
      ASSERT_FALSE(line->starts_with("ERR")) << *line;
      if (line->starts_with("COMMITTED ")) acked = std::max(acked, std::stoll(line->substr(10))), ++commits;
      if (!killed && commits >= target) {
        // Somewhere inside the next step: before, during or after its writes and its rename.
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
        ::kill(child.pid, SIGKILL);
        killed = true;
      }
    }
    reap(child.pid);
    kills += killed;
    position = check_processor_state(dir.path(), acked);
    ASSERT_GE(position, 0);
    if (HasFailure()) return;
  }
  // Let the last one finish undisturbed.
  auto child = spawn([&](int out) { processor(dir.path(), base + 1000, out); });
  while (auto line = child.lines->next()) ASSERT_FALSE(line->starts_with("ERR")) << *line;
  reap(child.pid);
  EXPECT_EQ(check_processor_state(dir.path(), acked), kInputs);
  EXPECT_GT(kills, 0);
}

}  // namespace
}  // namespace concord::events::testing
