// The file log's records, as a crash, a bad disk or another program may leave them: the
// record framing (inspect, events_of) and the whole open → recover → replay path over a topic
// file holding the input. Never a crash, a hang or an unbounded allocation; what the open
// accepts replays without error or is refused with one.
//
// Input: the topic file's bytes after its 8-byte magic. Seeds are real topic files written by
// the services (tests/fuzz/seeds/log_record).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#include "concord/core/log.hpp"
#include "concord/events/file_log.hpp"
#include "record_format.hpp"

namespace {

namespace fs = std::filesystem;
using namespace concord::events;

const fs::path& directory() {
  // Never destroyed, so the exit handler that removes it still has it.
  static const fs::path* dir = [] {
    fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::random_device rd;
    auto* d = new fs::path(base / ("concord-fuzz-log-" + std::to_string(::getpid()) + "-" + std::to_string(rd())));
    fs::create_directories(*d / "topics");
    concord::log::set_level(concord::log::Level::error);
    return d;
  }();
  static const bool cleanup = [] {
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(*dir, ec);
    });
    return true;
  }();
  (void)cleanup;
  return *dir;
}

void check_framing(std::string_view bytes) {
  // Walk the records as the reader would, without the file: header, then inspect the body.
  while (bytes.size() >= detail::kHeaderSize) {
    std::uint32_t length = 0;
    std::memcpy(&length, bytes.data() + 4, 4);
    if (length > bytes.size() - detail::kHeaderSize)
      length = static_cast<std::uint32_t>(bytes.size() - detail::kHeaderSize);
    std::string_view body = bytes.substr(detail::kHeaderSize, length);
    std::string why;
    if (auto meta = detail::inspect(body, why)) {
      for (const auto& e : detail::events_of(body, *meta)) (void)parse_event(e.json);
    }
    bytes.remove_prefix(detail::kHeaderSize + length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_framing(input);

  const auto& dir = directory();
  {
    std::ofstream out(dir / "topics" / "concord.fuzz.v1.log", std::ios::binary | std::ios::trunc);
    out.write(detail::kFileMagic.data(), static_cast<std::streamsize>(detail::kFileMagic.size()));
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  auto log = open_file_log({.directory = dir});
  if (!log) return 0;  // refused with an error naming the damage: fine
  long long events = 0;
  auto replayed = (*log)->replay("concord.fuzz.v1", [&](const Record& r) {
    if (r.topic != "concord.fuzz.v1") std::abort();
    ++events;
    return concord::Status{};
  });
  static const bool trace = std::getenv("CONCORD_FUZZ_TRACE") != nullptr;
  if (trace)
    std::fprintf(stderr, "replayed %lld events (%s)\n", events, replayed ? "ok" : replayed.error().detail.c_str());
  return 0;
}
