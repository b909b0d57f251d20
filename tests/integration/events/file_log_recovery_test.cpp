// What only the file log has: recovery from torn tails, refusal of damage in the middle, the
// directory lock, and reading records of any size from any position.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "concord/core/log.hpp"
#include "concord/events/file_log.hpp"
#include "temp_dir.hpp"

namespace concord::events::testing {
namespace {

namespace fs = std::filesystem;

Event numbered(long long n, std::string payload = {}) {
  Event e;
  e.id = "event-" + std::to_string(n);
  e.source = "/concord/test";
  e.type = "concord.test.thing.happened";
  e.subject = "thing/1";
  e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'000 + n}};
  e.sequence = n;
  e.data = {{"n", n}};
  if (!payload.empty()) e.data["payload"] = std::move(payload);
  return e;
}

// Captures the log lines written while it lives.
class LogCapture {
 public:
  LogCapture() {
    log::set_sink_for_testing([this](std::string_view line) {
      std::lock_guard lk(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { log::set_sink_for_testing(nullptr); }
  std::vector<nlohmann::json> find(std::string_view msg_part) {
    std::lock_guard lk(mu_);
    std::vector<nlohmann::json> out;
    for (const auto& l : lines_) {
      auto j = nlohmann::json::parse(l, nullptr, false);
      if (j.is_object() && j.value("msg", "").find(msg_part) != std::string::npos) out.push_back(j);
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class FileLogRecovery : public ::testing::Test {
 protected:
  std::unique_ptr<EventLog> open() {
    auto log = open_file_log(FileLogOptions{.directory = dir_.path()});
    EXPECT_TRUE(log) << (log ? "" : log.error().detail);
    return log ? std::move(*log) : nullptr;
  }
  Result<std::unique_ptr<EventLog>> try_open() { return open_file_log(FileLogOptions{.directory = dir_.path()}); }
  fs::path topic_file() const { return dir_.path() / "topics" / "things.log"; }

  // Appends events 0..n-1, one append each; returns the file size after each append.
  std::vector<std::uintmax_t> append_numbered(int n) {
    auto log = open();
    EXPECT_TRUE(log->ensure_topics({{.name = "things"}}));
    std::vector<std::uintmax_t> sizes;
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(log->append("things", "k", {numbered(i)}));
      sizes.push_back(fs::file_size(topic_file()));
    }
    return sizes;
  }

  std::vector<long long> replayed(EventLog& log) {
    std::vector<long long> out;
    auto st = log.replay("things", [&](const Record& r) -> Status {
      out.push_back(r.event.sequence);
      return {};
    });
    EXPECT_TRUE(st) << (st ? "" : st.error().detail);
    return out;
  }

  void overwrite(std::uintmax_t at, std::string_view bytes) {
    std::fstream f(topic_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(at));
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  void append_bytes(std::string_view bytes) {
    std::ofstream f(topic_file(), std::ios::app | std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  TempDir dir_;
};

TEST_F(FileLogRecovery, a_half_written_last_record_is_cut_off_and_reported) {
  auto sizes = append_numbered(3);
  auto torn_at = sizes[1] + (sizes[2] - sizes[1]) / 2;
  fs::resize_file(topic_file(), torn_at);

  LogCapture capture;
  auto log = open();
  ASSERT_TRUE(log);
  EXPECT_EQ(replayed(*log), (std::vector<long long>{0, 1}));
  EXPECT_EQ(fs::file_size(topic_file()), sizes[1]);
  auto warnings = capture.find("torn or corrupt tail");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0]["level"], "warn");
  EXPECT_EQ(warnings[0]["bytes"], torn_at - sizes[1]);
  EXPECT_EQ(warnings[0]["topic"], "things");

  ASSERT_TRUE(log->append("things", "k", {numbered(2)}));
  EXPECT_EQ(replayed(*log), (std::vector<long long>{0, 1, 2}));
}

TEST_F(FileLogRecovery, garbage_after_the_last_record_is_cut_off) {
  auto sizes = append_numbered(2);
  std::mt19937 rng(11);
  std::string garbage(1000, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  append_bytes(garbage);
  append_bytes(std::string(4096, '\0'));  // what a crash can leave: a length extended with zeros

  LogCapture capture;
  auto log = open();
  ASSERT_TRUE(log);
  EXPECT_EQ(replayed(*log), (std::vector<long long>{0, 1}));
  EXPECT_EQ(fs::file_size(topic_file()), sizes[1]);
  auto warnings = capture.find("torn or corrupt tail");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0]["bytes"], 1000 + 4096);
}

TEST_F(FileLogRecovery, a_last_record_that_fails_its_checksum_is_cut_off) {
  auto sizes = append_numbered(3);
  overwrite(sizes[2] - 5, "X");  // inside the last event's JSON
  auto log = open();
  ASSERT_TRUE(log);
  EXPECT_EQ(replayed(*log), (std::vector<long long>{0, 1}));
}

TEST_F(FileLogRecovery, damage_followed_by_valid_records_stops_the_open) {
  auto sizes = append_numbered(3);
  overwrite(sizes[0] - 5, "X");  // inside the first record
  auto log = try_open();
  ASSERT_FALSE(log);
  const auto& detail = log.error().detail;
  EXPECT_NE(detail.find(topic_file().string()), std::string::npos) << detail;
  EXPECT_NE(detail.find("damaged at byte 8 (the record fails its checksum)"), std::string::npos) << detail;
  EXPECT_NE(detail.find("valid records after it, from byte " + std::to_string(sizes[0])), std::string::npos) << detail;
  EXPECT_EQ(fs::file_size(topic_file()), sizes[2]) << "nothing may be cut off";
  // It stays refused: nothing was "repaired" by the failed attempt.
  EXPECT_FALSE(try_open());
}

TEST_F(FileLogRecovery, a_damaged_length_in_the_middle_stops_the_open) {
  auto sizes = append_numbered(3);
  overwrite(sizes[0] + 4, std::string("\xff\xff\x00\x00", 4));  // the second record's length field
  auto log = try_open();
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().detail.find("damaged at byte " + std::to_string(sizes[0])), std::string::npos)
      << log.error().detail;
}

TEST_F(FileLogRecovery, a_file_that_is_not_a_topic_file_is_refused) {
  append_numbered(1);
  overwrite(0, "NOTALOG!");
  auto log = try_open();
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().detail.find("does not start like a topic file"), std::string::npos) << log.error().detail;
}

TEST_F(FileLogRecovery, a_second_open_in_the_same_process_is_refused) {
  auto first = open();
  auto second = try_open();
  ASSERT_FALSE(second);
  EXPECT_EQ(failure_of(second.error()), LogFailure::fenced);
  first.reset();
  EXPECT_TRUE(try_open());
}

TEST_F(FileLogRecovery, another_process_is_refused_while_one_holds_the_directory) {
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    auto log = open_file_log(FileLogOptions{.directory = dir_.path()});
    char c = log ? '1' : '0';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);  // until the parent closes its end
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1') << "the child could not open the log";

  auto refused = try_open();
  ASSERT_FALSE(refused);
  EXPECT_EQ(failure_of(refused.error()), LogFailure::fenced);
  EXPECT_NE(refused.error().detail.find("in use by another process (pid " + std::to_string(child) + ")"),
            std::string::npos)
      << refused.error().detail;

  ::close(release[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(ready[0]);
  EXPECT_TRUE(try_open()) << "the lock goes with the process";
}

TEST_F(FileLogRecovery, an_unfinished_commit_with_is_dropped_with_its_positions) {
  {
    auto log = open();
    ASSERT_TRUE(log->ensure_topics({{.name = "in"}, {.name = "out"}}));
    ASSERT_TRUE(log->append("in", "k", {numbered(0), numbered(1)}));
  }
  auto positions_file = dir_.path() / "groups" / "processor.json";
  std::string before;
  {
    auto log = open();
    auto sub = log->subscribe({"in"}, "processor");
    ASSERT_TRUE(sub) << sub.error().detail;
    std::ifstream in(positions_file);
    before.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    auto consumed = (*sub)->poll(std::chrono::milliseconds{0}, 10);
    ASSERT_TRUE(consumed);
    ASSERT_EQ(consumed->size(), 2u);
    ASSERT_TRUE((*sub)->commit_with({Output{"out", "k", numbered(100)}}, *consumed));
  }
  // As if the process had died between writing the outputs and replacing the positions file.
  { std::ofstream(positions_file, std::ios::trunc) << before; }

  LogCapture capture;
  auto log = open();
  std::vector<std::string> outputs;
  ASSERT_TRUE(log->replay("out", [&](const Record& r) -> Status {
    outputs.push_back(r.event.id);
    return {};
  }));
  EXPECT_TRUE(outputs.empty());
  EXPECT_EQ(capture.find("did not commit").size(), 1u);
  auto sub = log->subscribe({"in"}, "processor");
  ASSERT_TRUE(sub);
  auto again = (*sub)->poll(std::chrono::milliseconds{0}, 10);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), 2u) << "the inputs of the dropped step come again";
  // And the step can be done again.
  ASSERT_TRUE((*sub)->commit_with({Output{"out", "k", numbered(100)}}, *again));
}

TEST_F(FileLogRecovery, a_commit_with_that_cannot_write_its_positions_leaves_nothing_behind) {
  auto log = open();
  ASSERT_TRUE(log->ensure_topics({{.name = "in"}, {.name = "out"}}));
  ASSERT_TRUE(log->append("in", "k", {numbered(0), numbered(1)}));
  auto out_file = dir_.path() / "topics" / "out.log";
  auto empty_size = fs::file_size(out_file);
  auto sub = log->subscribe({"in"}, "processor");
  ASSERT_TRUE(sub);
  auto consumed = (*sub)->poll(std::chrono::milliseconds{0}, 10);
  ASSERT_TRUE(consumed);
  ASSERT_EQ(consumed->size(), 2u);

  // The positions file's temporary cannot be created: the step fails after its outputs were
  // written and synced, and before its commit point.
  auto blocker = dir_.path() / "groups" / "processor.json.tmp";
  fs::create_directory(blocker);
  auto st = (*sub)->commit_with({Output{"out", "k", numbered(100)}}, *consumed);
  ASSERT_FALSE(st);
  EXPECT_EQ(failure_of(st.error()), LogFailure::unavailable);
  EXPECT_EQ(fs::file_size(out_file), empty_size) << "the outputs are cut off again";
  std::vector<std::string> outputs;
  ASSERT_TRUE(log->replay("out", [&](const Record& r) -> Status {
    outputs.push_back(r.event.id);
    return {};
  }));
  EXPECT_TRUE(outputs.empty());
  EXPECT_TRUE(log->healthy()) << "a failure that was cleanly undone does not stop the log";

  fs::remove(blocker);
  auto again = (*sub)->poll(std::chrono::milliseconds{0}, 10);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 2u) << "rewound to the last committed position";
  ASSERT_TRUE((*sub)->commit_with({Output{"out", "k", numbered(100)}}, *again));
  sub->reset();
  log.reset();

  log = open();
  ASSERT_TRUE(log->replay("out", [&](const Record& r) -> Status {
    outputs.push_back(r.event.id);
    return {};
  }));
  EXPECT_EQ(outputs, (std::vector<std::string>{"event-100"}));
  auto resumed = log->subscribe({"in"}, "processor");
  ASSERT_TRUE(resumed);
  auto rest = (*resumed)->poll(std::chrono::milliseconds{0}, 10);
  ASSERT_TRUE(rest);
  EXPECT_TRUE(rest->empty());
}

TEST_F(FileLogRecovery, records_larger_than_a_read_chunk_come_back_whole) {
  auto log = open();
  ASSERT_TRUE(log->ensure_topics({{.name = "things"}}));
  std::string big(3 << 20, 'x');  // 3 MiB
  ASSERT_TRUE(log->append("things", "k", {numbered(0), numbered(1, big), numbered(2)}));
  EXPECT_EQ(replayed(*log), (std::vector<long long>{0, 1, 2}));
  auto sub = log->subscribe({"things"}, "g");
  ASSERT_TRUE(sub);
  auto got = (*sub)->poll(std::chrono::milliseconds{0}, 10);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[1].event.data["payload"].get<std::string>().size(), big.size());
}

TEST_F(FileLogRecovery, a_group_resumes_in_the_middle_of_a_large_topic_and_of_a_batch) {
  {
    auto log = open();
    ASSERT_TRUE(log->ensure_topics({{.name = "things"}}));
    for (int b = 0; b < 500; ++b) {
      std::vector<Event> batch;
      for (int i = 0; i < 10; ++i) batch.push_back(numbered(b * 10 + i));
      ASSERT_TRUE(log->append("things", "k", batch));
    }
    auto sub = log->subscribe({"things"}, "g");
    ASSERT_TRUE(sub);
    std::vector<Record> consumed;
    while (consumed.size() < 3333) {
      auto got = (*sub)->poll(std::chrono::milliseconds{0}, 3333 - consumed.size());
      ASSERT_TRUE(got);
      ASSERT_FALSE(got->empty());
      consumed.insert(consumed.end(), got->begin(), got->end());
    }
    EXPECT_EQ(consumed.back().offset, 3332);
    ASSERT_TRUE((*sub)->commit(consumed));
  }
  auto log = open();
  auto sub = log->subscribe({"things"}, "g");
  ASSERT_TRUE(sub);
  auto got = (*sub)->poll(std::chrono::milliseconds{0}, 2);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].offset, 3333);
  EXPECT_EQ((*got)[0].event.sequence, 3333);
  EXPECT_EQ((*got)[1].offset, 3334);
}

TEST_F(FileLogRecovery, a_long_replay_comes_in_order_and_stops_where_the_visitor_says) {
  auto log = open();
  ASSERT_TRUE(log->ensure_topics({{.name = "things"}}));
  constexpr int kEvents = 10'007;  // many decoding chunks and a partial one
  for (int b = 0; b < kEvents;) {
    std::vector<Event> batch;
    for (int i = 0; i < 333 && b < kEvents; ++i, ++b) batch.push_back(numbered(b));
    ASSERT_TRUE(log->append("things", "k", batch));
  }
  std::vector<long long> all = replayed(*log);
  ASSERT_EQ(all.size(), static_cast<size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) ASSERT_EQ(all[static_cast<size_t>(i)], i);

  long long visited = 0, last_offset = -1;
  auto st = log->replay("things", [&](const Record& r) -> Status {
    EXPECT_EQ(r.offset, last_offset + 1);
    last_offset = r.offset;
    if (++visited == 4'321) return fail(Error::conflict("enough"));
    return {};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().detail, "enough");
  EXPECT_EQ(visited, 4'321);
}

TEST_F(FileLogRecovery, appends_to_a_topic_that_was_never_created_are_refused) {
  auto log = open();
  auto st = log->append("nowhere", "k", {numbered(0)});
  ASSERT_FALSE(st);
  EXPECT_EQ(failure_of(st.error()), LogFailure::rejected);
  EXPECT_NE(st.error().detail.find("ensure_topics"), std::string::npos);
  EXPECT_FALSE(log->ensure_topics({{.name = "bad/name"}}));
  EXPECT_FALSE(log->ensure_topics({{.name = ".."}}));
}

TEST_F(FileLogRecovery, commits_of_records_that_do_not_exist_are_refused) {
  auto log = open();
  ASSERT_TRUE(log->ensure_topics({{.name = "things"}, {.name = "other"}}));
  ASSERT_TRUE(log->append("things", "k", {numbered(0)}));
  auto sub = log->subscribe({"things"}, "g");
  ASSERT_TRUE(sub);
  auto got = (*sub)->poll(std::chrono::milliseconds{0}, 10);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  Record beyond = got->front();
  beyond.offset = 5;
  Record foreign = got->front();
  foreign.topic = "other";
  for (const auto& bad : {beyond, foreign}) {
    auto st = (*sub)->commit({bad});
    ASSERT_FALSE(st);
    EXPECT_EQ(failure_of(st.error()), LogFailure::rejected);
  }
  EXPECT_TRUE((*sub)->commit(*got));
}

TEST_F(FileLogRecovery, one_live_subscription_per_group) {
  auto log = open();
  ASSERT_TRUE(log->ensure_topics({{.name = "things"}}));
  auto first = log->subscribe({"things"}, "g");
  ASSERT_TRUE(first);
  auto second = log->subscribe({"things"}, "g");
  ASSERT_FALSE(second);
  EXPECT_EQ(failure_of(second.error()), LogFailure::rejected);
  first->reset();
  EXPECT_TRUE(log->subscribe({"things"}, "g"));
}

TEST_F(FileLogRecovery, a_waiting_poll_wakes_for_an_append_from_another_thread) {
  auto log = open();
  ASSERT_TRUE(log->ensure_topics({{.name = "things"}}));
  auto sub = log->subscribe({"things"}, "g");
  ASSERT_TRUE(sub);
  std::thread writer([&] { EXPECT_TRUE(log->append("things", "k", {numbered(0)})); });
  std::vector<Record> got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    auto r = (*sub)->poll(std::chrono::seconds{10}, 10);
    ASSERT_TRUE(r);
    got = *r;
  }
  writer.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event.sequence, 0);
}

}  // namespace
}  // namespace concord::events::testing
