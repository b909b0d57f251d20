#include "concord/cache/memory_cache.hpp"

#include <charconv>
#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

#include "cache_metrics.hpp"
#include "dispatcher.hpp"

namespace concord::cache {
namespace {

using detail::count;
using detail::counted;
using detail::Op;
using detail::Outcome;

class MemorySubscription final : public Subscription {
 public:
  MemorySubscription(std::weak_ptr<detail::Dispatcher> dispatcher, std::uint64_t id)
      : dispatcher_(std::move(dispatcher)), id_(id) {}
  ~MemorySubscription() override {
    if (auto d = dispatcher_.lock()) d->remove(id_);
  }

 private:
  std::weak_ptr<detail::Dispatcher> dispatcher_;
  std::uint64_t id_;
};

Status check_ttl(const Ttl& ttl) {
  if (ttl && ttl->count() <= 0) return fail(Error::internal("cache: a ttl must be positive"));
  return {};
}

class MemoryCache final : public Cache {
 public:
  explicit MemoryCache(const Clock& clock) : clock_(clock), dispatcher_(std::make_shared<detail::Dispatcher>()) {}
  ~MemoryCache() override { dispatcher_->stop(); }

  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard lock(mutex_);
    auto* e = live(key);
    count(Op::get, e ? Outcome::hit : Outcome::miss);
    if (e == nullptr) return std::nullopt;
    return e->value;
  }

  Status set(std::string_view key, std::string_view value, Ttl ttl) override {
    if (auto ok = check_ttl(ttl); !ok) return counted(Op::set, ok);
    std::lock_guard lock(mutex_);
    store(key, Entry{std::string(value), expiry(ttl)});
    count(Op::set, Outcome::ok);
    return {};
  }

  Status del(std::string_view key) override {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
    count(Op::del, Outcome::ok);
    return {};
  }

  Result<bool> set_if_absent(std::string_view key, std::string_view value, Ttl ttl) override {
    if (auto ok = check_ttl(ttl); !ok) {
      count(Op::set_if_absent, Outcome::error);
      return fail(ok.error());
    }
    std::lock_guard lock(mutex_);
    count(Op::set_if_absent, Outcome::ok);
    if (live(key) != nullptr) return false;
    store(key, Entry{std::string(value), expiry(ttl)});
    return true;
  }

  Result<long long> increment(std::string_view key, long long by, Ttl ttl) override {
    return counted(Op::increment, increment_locked(key, by, ttl));
  }

  Status publish(std::string_view channel, std::string_view message) override {
    dispatcher_->post(std::string(channel), std::string(message));
    count(Op::publish, Outcome::ok);
    return {};
  }

  Result<std::unique_ptr<Subscription>> subscribe(std::string_view channel, MessageHandler handler) override {
    auto id = dispatcher_->add(std::string(channel), std::move(handler));
    count(Op::subscribe, Outcome::ok);
    return std::make_unique<MemorySubscription>(dispatcher_, id);
  }

  bool healthy() override { return true; }

 private:
  struct Entry {
    std::string value;
    std::optional<Timestamp> expires;
  };

  std::optional<Timestamp> expiry(const Ttl& ttl) const {
    if (!ttl) return std::nullopt;
    return clock_.now() + *ttl;
  }

  // The entry, unless absent or expired (an expired one is dropped on the way).
  Entry* live(std::string_view key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second.expires && *it->second.expires <= clock_.now()) {
      entries_.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  Entry& store(std::string_view key, Entry entry) {
    sweep_if_due();
    auto it = entries_.find(key);
    if (it == entries_.end()) return entries_.emplace(std::string(key), std::move(entry)).first->second;
    return it->second = std::move(entry);
  }

  // Amortised O(1) per write: a full sweep after as many writes as there are entries.
  void sweep_if_due() {
    if (++writes_since_sweep_ <= entries_.size()) return;
    writes_since_sweep_ = 0;
    auto now = clock_.now();
    std::erase_if(entries_, [&](const auto& kv) { return kv.second.expires && *kv.second.expires <= now; });
  }

  Result<long long> increment_locked(std::string_view key, long long by, const Ttl& ttl) {
    if (auto ok = check_ttl(ttl); !ok) return fail(ok.error());
    std::lock_guard lock(mutex_);
    long long current = 0;
    auto* e = live(key);
    if (e != nullptr) {
      const auto& v = e->value;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), current);
      if (ec != std::errc() || end != v.data() + v.size() || v.empty()) {
        return fail(Error::conflict("cache: value is not an integer"));
      }
    }
    long long next = 0;
    if (__builtin_add_overflow(current, by, &next)) return fail(Error::conflict("cache: increment would overflow"));
    if (e == nullptr) {
      e = &store(key, Entry{std::to_string(next), expiry(ttl)});
    } else {
      e->value = std::to_string(next);
      if (!e->expires) e->expires = expiry(ttl);
    }
    return next;
  }

  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::size_t writes_since_sweep_ = 0;
  std::shared_ptr<detail::Dispatcher> dispatcher_;
};

}  // namespace

std::unique_ptr<Cache> make_memory_cache(const Clock& clock) {
  return std::make_unique<MemoryCache>(clock);
}

}  // namespace concord::cache
