#include "dispatcher.hpp"

#include <exception>
#include <utility>

#include "concord/core/log.hpp"

namespace concord::cache::detail {

Dispatcher::Dispatcher() : thread_([this] { run(); }) {}

Dispatcher::~Dispatcher() {
  stop();
}

std::uint64_t Dispatcher::add(std::string channel, MessageHandler handler) {
  std::lock_guard lock(mutex_);
  auto id = next_id_++;
  by_channel_[channel].insert(id);
  handlers_.emplace(id, Entry{std::move(channel), std::make_shared<MessageHandler>(std::move(handler))});
  return id;
}

bool Dispatcher::remove(std::uint64_t id, std::string* channel) {
  std::unique_lock lock(mutex_);
  auto entry = handlers_.find(id);
  if (entry == handlers_.end()) return false;
  bool last = false;
  if (auto it = by_channel_.find(entry->second.channel); it != by_channel_.end()) {
    it->second.erase(id);
    if (it->second.empty()) {
      by_channel_.erase(it);
      last = true;
    }
  }
  if (channel != nullptr) *channel = std::move(entry->second.channel);
  handlers_.erase(entry);
  if (std::this_thread::get_id() != thread_.get_id()) idle_.wait(lock, [&] { return running_ != id; });
  return last;
}

bool Dispatcher::has_handlers(std::string_view channel) const {
  std::lock_guard lock(mutex_);
  return by_channel_.find(channel) != by_channel_.end();
}

std::vector<std::string> Dispatcher::channels() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [channel, ids] : by_channel_) out.push_back(channel);
  return out;
}

void Dispatcher::post(std::string channel, std::string message) {
  std::unique_lock lock(mutex_);
  auto it = by_channel_.find(channel);
  if (stopping_ || it == by_channel_.end()) return;
  if (queue_.size() >= kMaxQueued) {
    if (!std::exchange(overflowing_, true)) {
      lock.unlock();
      log::warn("cache pub/sub: handlers are behind, dropping messages", {{"queued", kMaxQueued}});
    }
    return;
  }
  overflowing_ = false;
  queue_.push_back({{it->second.begin(), it->second.end()}, std::move(channel), std::move(message)});
  lock.unlock();
  wake_.notify_one();
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
}

void Dispatcher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Item item = std::move(queue_.front());
    queue_.pop_front();
    for (auto id : item.ids) {
      auto it = handlers_.find(id);
      if (it == handlers_.end()) continue;  // unsubscribed since the message was posted
      auto handler = it->second.handler;
      running_ = id;
      lock.unlock();
      try {
        (*handler)(item.channel, item.message);
      } catch (const std::exception& e) {
        log::error("cache pub/sub: handler threw", {{"channel", item.channel}, {"what", e.what()}});
      } catch (...) {
        log::error("cache pub/sub: handler threw", {{"channel", item.channel}});
      }
      lock.lock();
      running_ = 0;
      idle_.notify_all();
      if (stopping_) return;
    }
  }
}

}  // namespace concord::cache::detail
