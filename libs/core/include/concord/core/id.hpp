#pragma once
// Identifiers are UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and index well.
#include <memory>
#include <string>
#include <string_view>

#include "concord/core/time.hpp"

namespace concord {

bool is_uuid(std::string_view text);  // canonical lowercase or uppercase 8-4-4-4-12 form

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string next() = 0;
};

// UUIDv7 from the given clock and a CSPRNG; monotonic within one process even when the clock
// stalls (the 12-bit sub-millisecond counter of RFC 9562 §6.2 method 1).
class UuidV7Generator final : public IdGenerator {
 public:
  explicit UuidV7Generator(const Clock& clock);
  ~UuidV7Generator() override;
  std::string next() override;
  struct State;

 private:
  const Clock& clock_;
  std::unique_ptr<State> state_;
};

// For tests: 00000000-0000-7000-8000-000000000001, ...002, ... in order.
class SequentialIdGenerator final : public IdGenerator {
 public:
  std::string next() override;

 private:
  unsigned long long n_ = 0;
};

std::string new_uuid_v7();  // from the system clock

// A UUIDv7-shaped id for request correlation: time-ordered, unique with overwhelming
// probability, drawn from a per-thread generator seeded once from the CSPRNG. Not for ids that
// must be unguessable; it exists because a CSPRNG call and a lock per request showed up in the
// HTTP benchmark.
std::string new_request_id();

}  // namespace concord
