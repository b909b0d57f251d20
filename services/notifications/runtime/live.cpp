#include "notifications/runtime/live.hpp"

#include <algorithm>

#include "concord/core/log.hpp"

namespace concord::notifications {

namespace {

nlohmann::json item_json(const Notification& n) {
  auto j = to_json(n);
  j["read_at"] = n.read_at ? nlohmann::json(format_rfc3339_utc(*n.read_at)) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

// One open stream: ids already sent, so the backlog and live pushes never repeat one.
// Live pushes wait until the backlog has gone out, so the stream stays in inbox order.
struct Live::Stream {
  std::shared_ptr<http::EventStream> out;
  Timestamp expires_at{};
  std::mutex mutex;
  std::set<std::string> sent;
  bool ready = false;
  std::vector<std::pair<std::string, std::string>> pending;

  void send_locked(const std::string& id, const std::string& data) {
    if (!sent.insert(id).second) return;
    out->send({.id = id, .event = "notification", .data = data});
  }
  void live(const std::string& id, const std::string& data) {
    std::lock_guard lock(mutex);
    if (!ready) {
      pending.emplace_back(id, data);
      return;
    }
    send_locked(id, data);
  }
  void open(const std::vector<std::pair<std::string, std::string>>& backlog) {
    std::lock_guard lock(mutex);
    for (const auto& [id, data] : backlog) send_locked(id, data);
    for (const auto& [id, data] : pending) send_locked(id, data);
    pending.clear();
    ready = true;
  }
};

struct Live::Registry {
  std::mutex mutex;
  std::multimap<std::string, std::shared_ptr<Stream>> streams;  // by member
};

Live::Live(Shared& shared) : shared_(shared), registry_(std::make_shared<Registry>()) {}

Live::~Live() {
  subscription_.reset();
  std::vector<std::shared_ptr<Stream>> open;
  {
    std::lock_guard lock(registry_->mutex);
    for (auto& [_, s] : registry_->streams) open.push_back(s);
  }
  for (auto& s : open) s->out->close();
}

void Live::subscribe() {
  auto sub = shared_.cache.subscribe(kLiveChannel, [this](std::string_view, std::string_view message) {
    auto doc = nlohmann::json::parse(message, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return;
    push_local(json_read::str(doc, "member_id"), json_read::str(doc, "id"), std::string(message));
  });
  if (!sub) {
    log::warn("live notifications stay in this process: the cache channel is unavailable",
              {{"error", sub.error().detail}});
    return;
  }
  std::lock_guard lock(mutex_);
  subscription_ = std::move(*sub);
}

void Live::deliver(const std::vector<Notification>& notifications) {
  Timestamp now = shared_.clock.now();
  for (const auto& n : notifications) {
    if (!shared_.store.read([&](const State& s) { return wants_stream(s.inbox, n.member_id); }))
      continue;  // the inbox only
    if (n.deliver_after > now) {
      std::lock_guard lock(mutex_);
      held_.emplace(n.deliver_after, n);
      continue;
    }
    publish(n);
  }
}

void Live::release_held(Timestamp now) {
  std::vector<Notification> due;
  {
    std::lock_guard lock(mutex_);
    while (!held_.empty() && held_.begin()->first <= now) {
      due.push_back(std::move(held_.begin()->second));
      held_.erase(held_.begin());
    }
  }
  for (const auto& n : due) publish(n);
}

void Live::publish(const Notification& n) {
  std::string data = item_json(n).dump();
  bool subscribed;
  {
    std::lock_guard lock(mutex_);
    subscribed = subscription_ != nullptr;
  }
  if (subscribed && shared_.cache.publish(kLiveChannel, data)) return;
  push_local(n.member_id, n.id, data);
}

void Live::push_local(const std::string& member, const std::string& id, const std::string& data) {
  std::vector<std::shared_ptr<Stream>> targets;
  {
    std::lock_guard lock(registry_->mutex);
    auto [from, to] = registry_->streams.equal_range(member);
    for (auto it = from; it != to;) {
      if (!it->second->out->is_open()) {
        it = registry_->streams.erase(it);
        continue;
      }
      targets.push_back(it->second);
      ++it;
    }
  }
  for (auto& s : targets) s->live(id, data);
}

void Live::attach(const std::string& member, const std::string& last_event_id, std::shared_ptr<http::EventStream> out,
                  Timestamp expires_at) {
  auto stream = std::make_shared<Stream>();
  stream->out = out;
  stream->expires_at = expires_at;
  std::vector<std::pair<std::string, std::string>> backlog;
  {
    // Registered first and then the backlog read: a notification committed in between reaches
    // the stream through one path or both, and `sent` keeps it to one.
    std::lock_guard lock(registry_->mutex);
    registry_->streams.emplace(member, stream);
  }
  if (!last_event_id.empty())
    shared_.store.read([&](const State& state) {
      Timestamp now = shared_.clock.now();
      const auto& inbox = state.inbox;
      auto ids = inbox.by_member.find(member);
      auto last = inbox.notifications.find(last_event_id);
      if (ids != inbox.by_member.end() && last != inbox.notifications.end() && last->second.member_id == member) {
        // Newest first in the index: what came after the last one sent sorts before it.
        const auto& list = ids->second;
        auto end = list.find(last->second.inbox_key);
        for (auto it = std::make_reverse_iterator(end); it != list.rend(); ++it) {
          const auto& n = inbox.notifications.at(it->second);
          if (n.deliver_after <= now) backlog.emplace_back(n.id, item_json(n).dump());
        }
      }
    });
  stream->open(backlog);
  std::weak_ptr<Stream> weak = stream;
  std::weak_ptr<Registry> registry = registry_;
  out->on_close([weak, registry] {
    auto s = weak.lock();
    auto r = registry.lock();
    if (!s || !r) return;
    std::lock_guard lock(r->mutex);
    for (auto it = r->streams.begin(); it != r->streams.end(); ++it) {
      if (it->second == s) {
        r->streams.erase(it);
        break;
      }
    }
  });
}

void Live::expire(Timestamp now) {
  std::vector<std::shared_ptr<Stream>> expired;
  {
    std::lock_guard lock(registry_->mutex);
    for (auto it = registry_->streams.begin(); it != registry_->streams.end();) {
      if (it->second->expires_at != Timestamp{} && it->second->expires_at <= now) {
        expired.push_back(it->second);
        it = registry_->streams.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) s->out->close();  // the client reconnects with a fresh token
}

size_t Live::streams() const {
  std::lock_guard lock(registry_->mutex);
  return registry_->streams.size();
}

}  // namespace concord::notifications
