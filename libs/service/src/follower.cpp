#include "concord/service/follower.hpp"

#include <algorithm>

#include "concord/core/log.hpp"

namespace concord::service {

namespace {
constexpr auto kFirstPause = std::chrono::milliseconds(200);
constexpr auto kLongestPause = std::chrono::milliseconds(5000);
constexpr auto kPollWait = std::chrono::milliseconds(200);
constexpr size_t kPollMax = 500;
}  // namespace

Follower::Follower(std::string what, std::shared_ptr<events::EventLog> log, std::vector<std::string> topics)
    : what_(std::move(what)), log_(std::move(log)), topics_(std::move(topics)) {}

Follower::~Follower() {
  stop();
}

void Follower::start(events::Positions from, Apply apply, AfterPoll after_poll) {
  apply_ = std::move(apply);
  after_poll_ = std::move(after_poll);
  stopping_ = false;
  thread_ = std::thread([this, from = std::move(from)]() mutable { run(std::move(from)); });
}

void Follower::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void Follower::run(events::Positions from) {
  std::unique_ptr<events::Tail> reader;
  auto pause = kFirstPause;
  auto wait = [&] {
    // In small steps, so stop() is not held up by a long pause.
    for (auto waited = std::chrono::milliseconds(0); waited < pause && !stopping_; waited += kFirstPause)
      std::this_thread::sleep_for(kFirstPause);
    pause = std::min(pause * 2, kLongestPause);
  };
  while (!stopping_) {
    if (!reader) {
      auto opened = log_->tail(topics_, from);
      if (!opened) {
        log::warn("cannot follow " + what_ + " yet; retrying", {{"error", opened.error().detail}});
        wait();
        continue;
      }
      reader = std::move(*opened);
      pause = kFirstPause;
    }
    auto records = reader->poll(kPollWait, kPollMax);
    if (!records) {
      // A new reader from where this one stood: a consumer that failed fatally never recovers.
      log::warn("following " + what_ + " failed; reopening", {{"error", records.error().detail}});
      reader.reset();
      wait();
      continue;
    }
    for (const auto& r : *records) {
      apply_(r);
      events::advance(from, r);
    }
    if (after_poll_) after_poll_(!records->empty());
  }
}

}  // namespace concord::service
