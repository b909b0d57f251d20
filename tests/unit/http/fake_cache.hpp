#pragma once
// A minimal map-backed Cache for HTTP tests, so they do not depend on either real cache.
#include <map>
#include <mutex>

#include "concord/cache/cache.hpp"

namespace concord::testing {

class MapCache final : public cache::Cache {
 public:
  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard lock(m_);
    auto it = data_.find(std::string(key));
    if (it == data_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  Status set(std::string_view key, std::string_view value, cache::Ttl) override {
    std::lock_guard lock(m_);
    data_[std::string(key)] = std::string(value);
    return {};
  }
  Status del(std::string_view key) override {
    std::lock_guard lock(m_);
    data_.erase(std::string(key));
    return {};
  }
  Result<bool> set_if_absent(std::string_view key, std::string_view value, cache::Ttl) override {
    std::lock_guard lock(m_);
    return data_.emplace(std::string(key), std::string(value)).second;
  }
  Result<long long> increment(std::string_view, long long, cache::Ttl) override {
    return fail(Error::internal("unused"));
  }
  Status publish(std::string_view, std::string_view) override { return {}; }
  Result<std::unique_ptr<cache::Subscription>> subscribe(std::string_view, cache::MessageHandler) override {
    return fail(Error::internal("unused"));
  }
  bool healthy() override { return true; }

 private:
  std::mutex m_;
  std::map<std::string, std::string> data_;
};

}  // namespace concord::testing
