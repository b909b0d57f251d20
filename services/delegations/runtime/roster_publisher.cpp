#include "delegations/runtime/roster_publisher.hpp"

#include <utility>

#include "concord/core/log.hpp"
#include "delegations/domain/codec.hpp"

namespace concord::delegations {

RosterPublisher::RosterPublisher(service::Store<State>& store, cache::Cache& cache)
    : store_(store), cache_(cache), thread_([this] { run(); }) {}

RosterPublisher::~RosterPublisher() {
  {
    std::lock_guard lock(requested_mutex_);
    stopping_ = true;
  }
  requested_cv_.notify_all();
  thread_.join();
}

void RosterPublisher::publish(const std::string& delegation_id) {
  std::lock_guard lock(cache_mutex_);
  auto doc = store_.read([&](const State& s) { return roster_document(s, delegation_id); });
  if (doc.is_null()) return;
  if (auto set = cache_.set(roster_cache_key(delegation_id), doc.dump()); !set)
    log::warn("roster not cached", {{"delegation_id", delegation_id}, {"error", set.error().detail}});
}

void RosterPublisher::request(const std::string& delegation_id) {
  {
    std::lock_guard lock(requested_mutex_);
    requested_.insert(delegation_id);
  }
  requested_cv_.notify_all();
}

void RosterPublisher::ensure(const std::string& delegation_id) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(requested_mutex_);
    auto& last = last_checked_[delegation_id];
    if (now - last < std::chrono::seconds(1)) return;
    last = now;
    to_check_.insert(delegation_id);
  }
  requested_cv_.notify_all();
}

void RosterPublisher::run() {
  std::unique_lock lock(requested_mutex_);
  for (;;) {
    requested_cv_.wait(lock, [this] { return stopping_ || !requested_.empty() || !to_check_.empty(); });
    if (requested_.empty() && to_check_.empty()) return;  // stopping, and nothing left to write
    auto ids = std::exchange(requested_, {});
    auto checks = std::exchange(to_check_, {});
    lock.unlock();
    for (const auto& id : ids) publish(id);
    for (const auto& id : checks) {
      if (ids.contains(id)) continue;
      auto cached = cache_.get(roster_cache_key(id));
      if (cached && !*cached) publish(id);
    }
    lock.lock();
  }
}

}  // namespace concord::delegations
