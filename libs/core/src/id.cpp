#include "concord/core/id.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>
#include <stdexcept>

#include "concord/crypto/crypto.hpp"

namespace concord {
namespace {

std::string hex_uuid(const std::array<unsigned char, 16>& b) {
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return std::string(out, 36);
}

}  // namespace

struct UuidV7Generator::State {
  std::mutex mutex;
  long long last_ms = -1;
  unsigned counter = 0;
};

namespace {

std::string make_v7(UuidV7Generator::State& s, long long ms) {
  std::array<unsigned char, 16> b{};
  auto random = crypto::random_bytes(b.size());
  std::copy(random.begin(), random.end(), b.begin());
  unsigned counter;
  {
    std::lock_guard lock(s.mutex);
    if (ms <= s.last_ms) {
      ms = s.last_ms;
      if (++s.counter > 0xFFF) {  // counter exhausted: borrow the next millisecond
        ++ms;
        s.counter = 0;
      }
    } else {
      s.counter = (b[6] & 0x07u) << 8 | b[7];  // random start leaves room to count up
    }
    s.last_ms = ms;
    counter = s.counter;
  }
  for (int i = 0; i < 6; ++i) b[static_cast<size_t>(i)] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | ((counter >> 8) & 0x0F));
  b[7] = static_cast<unsigned char>(counter & 0xFF);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  return hex_uuid(b);
}

}  // namespace

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

UuidV7Generator::UuidV7Generator(const Clock& clock) : clock_(clock), state_(std::make_unique<State>()) {}
UuidV7Generator::~UuidV7Generator() = default;

std::string UuidV7Generator::next() {
  return make_v7(*state_, clock_.now().time_since_epoch().count());
}

std::string SequentialIdGenerator::next() {
  ++n_;
  char out[40];
  std::snprintf(out, sizeof out, "00000000-0000-7000-8000-%012llx", n_);
  return out;
}

std::string new_request_id() {
  thread_local std::mt19937_64 engine = [] {
    std::uint64_t seed = 0;
    for (unsigned char c : crypto::random_bytes(sizeof seed)) seed = (seed << 8) | c;
    return std::mt19937_64(seed);
  }();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::array<unsigned char, 16> b{};
  std::uint64_t r1 = engine(), r2 = engine();
  for (int i = 0; i < 8; ++i) {
    b[static_cast<size_t>(8 + i)] = static_cast<unsigned char>(r2 >> (8 * i));
  }
  for (int i = 0; i < 6; ++i) b[static_cast<size_t>(i)] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (r1 & 0x0F));
  b[7] = static_cast<unsigned char>(r1 >> 8);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  return hex_uuid(b);
}

std::string new_uuid_v7() {
  static SystemClock clock;
  static UuidV7Generator generator(clock);
  return generator.next();
}

}  // namespace concord
