#pragma once
// Pub/sub delivery shared by both caches: handlers registered per channel, and one thread that
// runs them, one message at a time, in the order messages were posted.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "concord/cache/cache.hpp"

namespace concord::cache::detail {

class Dispatcher {
 public:
  // Beyond this many undelivered messages new ones are dropped (and logged): a stuck handler
  // must not grow the process without bound.
  static constexpr std::size_t kMaxQueued = 100000;

  Dispatcher();
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  std::uint64_t add(std::string channel, MessageHandler handler);
  // Forgets a handler, waiting for a delivery to it that is under way (unless called from that
  // delivery). Returns true when it was its channel's last handler; `channel` receives the name.
  bool remove(std::uint64_t id, std::string* channel = nullptr);
  bool has_handlers(std::string_view channel) const;
  std::vector<std::string> channels() const;
  // Queues `message` for the handlers `channel` has now.
  void post(std::string channel, std::string message);
  // Drops what is queued and joins the thread; later posts are ignored.
  void stop();

 private:
  struct Item {
    std::vector<std::uint64_t> ids;
    std::string channel, message;
  };
  struct Entry {
    std::string channel;
    std::shared_ptr<MessageHandler> handler;  // shared so a running handler may remove itself
  };
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::unordered_map<std::uint64_t, Entry> handlers_;
  std::map<std::string, std::set<std::uint64_t>, std::less<>> by_channel_;
  std::deque<Item> queue_;
  std::uint64_t next_id_ = 1;
  std::uint64_t running_ = 0;  // the handler being called, 0 for none
  bool stopping_ = false;
  bool overflowing_ = false;
  std::thread thread_;
};

}  // namespace concord::cache::detail
