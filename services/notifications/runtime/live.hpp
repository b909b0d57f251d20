#pragma once
// Live delivery to Server-Sent Events streams. A committed notification is published on the
// cache's pub/sub channel; every replica subscribed to it pushes it to the member's open
// streams (with the memory cache, in this process). When the cache cannot publish, the
// notification goes to this replica's streams directly. Notifications held back by quiet hours
// wait here until their time. A stream resumed with Last-Event-ID first gets what it missed from
// the inbox, then live ones, each id once.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "concord/http/message.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications {

inline constexpr const char* kLiveChannel = "concord.notifications.live";

class Live {
 public:
  explicit Live(Shared& shared);
  ~Live();

  void subscribe();  // to the cache channel; without it, delivery stays in-process
  // Committed notifications: pushed now, or held until deliver_after.
  void deliver(const std::vector<Notification>& notifications);
  void release_held(Timestamp now);

  // Attaches a stream for `member`, after sending the member's notifications that follow
  // `last_event_id` in their inbox (none when it is empty or unknown).
  // `expires_at` (the token's exp; the epoch for none) ends the stream when it passes.
  void attach(const std::string& member, const std::string& last_event_id, std::shared_ptr<http::EventStream> stream,
              Timestamp expires_at = {});
  // Closes the streams whose token has expired.
  void expire(Timestamp now);
  size_t streams() const;

 private:
  struct Stream;
  struct Registry;
  void publish(const Notification& n);
  void push_local(const std::string& member, const std::string& id, const std::string& data);

  Shared& shared_;
  mutable std::mutex mutex_;
  std::shared_ptr<Registry> registry_;  // shared with the streams' close callbacks
  std::multimap<Timestamp, Notification> held_;
  std::unique_ptr<cache::Subscription> subscription_;
};

}  // namespace concord::notifications
