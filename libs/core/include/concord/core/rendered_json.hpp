#pragma once
// An item's rendered JSON — the bytes its public representation serializes to — kept beside the
// item, so that a page of a list is a cursor lookup and a concatenation of bytes instead of
// fifty renderings (issue 13: a page within 2x of a single-item GET).
//
// Freshness: the bytes never travel. A copied or moved item starts with none, so an item that
// evolve() makes anew (from an event's snapshot) can never carry the bytes of what it replaces,
// nor can a copy edited afterwards; evolve() calls clear() on an item it changes in place, or
// whose representation shows something kept elsewhere in the state (a member's contact).
// Readers fill it lazily under the state's shared lock; writers change the state only under its
// exclusive lock, so bytes handed out stay valid while the reader holds that lock. (The Store's
// draft, a copy, is never rendered from: it holds none, and copying it costs nothing extra.)
//
// Variants: where a representation depends on the caller (a member's personal data, shown to
// officers only), each variant has its own slot, chosen by the caller of get().
#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace concord {

// The serialization every JSON response uses (http::Response::json): compact, invalid UTF-8
// replaced rather than thrown on.
inline std::string json_bytes(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <std::size_t Variants = 1>
class RenderedJson {
 public:
  RenderedJson() = default;
  RenderedJson(const RenderedJson&) {}
  RenderedJson& operator=(const RenderedJson&) {
    clear();
    return *this;
  }
  // A cache: the items it sits in compare equal whatever it holds.
  bool operator==(const RenderedJson&) const { return true; }

  // The bytes of variant `variant`, rendered by render() → nlohmann::json the first time. Several
  // readers may render at once: the first to store its bytes wins, and all return those.
  template <class Render>
  const std::string& get(std::size_t variant, Render&& render) const {
    auto& slot = slots_[variant];
    if (auto bytes = slot.load(std::memory_order_acquire)) return *bytes;
    std::shared_ptr<const std::string> expected;
    auto mine = std::make_shared<const std::string>(json_bytes(render()));
    if (slot.compare_exchange_strong(expected, mine, std::memory_order_acq_rel)) return *mine;
    return *expected;  // another reader stored first; its bytes live as long as the slot holds them
  }
  template <class Render>
  const std::string& get(Render&& render) const {
    return get(0, std::forward<Render>(render));
  }

  // Drops every variant: the item, or something its representation shows, changed. Only with
  // the state's exclusive lock held (evolve).
  void clear() {
    for (auto& slot : slots_) slot.store(nullptr, std::memory_order_release);
  }

 private:
  mutable std::array<std::atomic<std::shared_ptr<const std::string>>, Variants> slots_;
};

}  // namespace concord
