// Snapshots in the data directory. A file is, in order:
//   "concord-snapshot 1\n"
//   one line of JSON: {"service", "version", "envelope", "events",
//                      "positions": {topic: {partition: next}}, "state_bytes", "state_crc32c"}
//   ("envelope" is absent from files written before it was kept: 0)
//   the state's bytes
//   "\nend <CRC-32C of every byte before this line, 8 hex digits>\n"
// so a file cut short (no end line), damaged anywhere (the end line's CRC) or of another
// service or version is recognised before a byte of its state is decoded.
#include "concord/events/snapshot_store.hpp"

#include <fcntl.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include <nlohmann/json.hpp>

#include "crc32c.hpp"
#include "posix_file.hpp"

namespace concord::events {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kMagic = "concord-snapshot 1\n";
constexpr std::string_view kEnd = "\nend ";
constexpr size_t kEndLine = 5 + 8 + 1;  // "\nend " + 8 hex digits + "\n"

std::string hex8(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return std::string(buf, 8);
}

class FileSnapshots final : public SnapshotStore {
 public:
  explicit FileSnapshots(fs::path dir) : dir_(std::move(dir)) {}

  Status write(const Snapshot& snapshot) override {
    std::lock_guard lock(mutex_);
    return detail::replace_file_atomically(path_of(snapshot.service), encode_snapshot_file(snapshot));
  }

  Result<std::variant<Snapshot, NoSnapshot>> latest(const std::string& service, int version) override {
    std::lock_guard lock(mutex_);
    auto path = path_of(service);
    auto fd = detail::open_file(path, O_RDONLY);
    if (!fd) {
      if (!fs::exists(path)) return std::variant<Snapshot, NoSnapshot>(NoSnapshot{"no snapshot has been written yet"});
      return fail(fd.error());
    }
    auto size = detail::file_size(fd->get(), path);
    if (!size) return fail(size.error());
    std::string bytes(static_cast<size_t>(*size), '\0');
    auto read = detail::read_at(fd->get(), path, bytes.data(), bytes.size(), 0);
    if (!read) return fail(read.error());
    bytes.resize(*read);
    return decode_snapshot_file(bytes, service, version);
  }

 private:
  fs::path path_of(const std::string& service) const { return dir_ / (service + ".snapshot"); }
  fs::path dir_;
  std::mutex mutex_;
};

}  // namespace

std::string encode_snapshot_file(const Snapshot& s) {
  nlohmann::json positions = nlohmann::json::object();
  for (const auto& [topic, partitions] : s.positions) {
    auto& t = positions[topic] = nlohmann::json::object();
    for (const auto& [p, next] : partitions) t[std::to_string(p)] = next;
  }
  nlohmann::json header = {{"service", s.service},
                           {"version", s.version},
                           {"envelope", s.envelope},
                           {"events", s.events},
                           {"positions", positions},
                           {"state_bytes", s.state.size()},
                           {"state_crc32c", detail::crc32c(s.state.data(), s.state.size())}};
  std::string out;
  std::string head = header.dump();
  out.reserve(kMagic.size() + head.size() + 1 + s.state.size() + kEndLine);
  out += kMagic;
  out += head;
  out += '\n';
  out += s.state;
  std::uint32_t crc = detail::crc32c(out.data(), out.size());
  out += kEnd;
  out += hex8(crc);
  out += '\n';
  return out;
}

std::variant<Snapshot, NoSnapshot> decode_snapshot_file(std::string_view bytes, const std::string& service,
                                                        int version) {
  auto no = [](std::string why) { return std::variant<Snapshot, NoSnapshot>(NoSnapshot{std::move(why)}); };
  if (!bytes.starts_with(kMagic)) return no("the snapshot file does not start as one (not a snapshot, or empty)");
  if (bytes.size() < kMagic.size() + kEndLine || bytes.substr(bytes.size() - kEndLine, kEnd.size()) != kEnd ||
      bytes.back() != '\n')
    return no("the snapshot file is cut short (no end line)");
  std::string_view body = bytes.substr(0, bytes.size() - kEndLine);
  std::uint32_t expected = 0;
  auto hex = bytes.substr(bytes.size() - 9, 8);
  if (std::from_chars(hex.data(), hex.data() + hex.size(), expected, 16).ec != std::errc())
    return no("the snapshot file's end line is damaged");
  if (detail::crc32c(body.data(), body.size()) != expected) return no("the snapshot file fails its checksum");
  auto eol = body.find('\n', kMagic.size());
  if (eol == std::string_view::npos) return no("the snapshot file has no header");
  Snapshot s;
  try {
    auto header = nlohmann::json::parse(body.substr(kMagic.size(), eol - kMagic.size()));
    s.service = header.at("service").get<std::string>();
    s.version = header.at("version").get<int>();
    s.envelope = header.value("envelope", 0);
    s.events = header.at("events").get<long long>();
    for (const auto& [topic, partitions] : header.at("positions").items()) {
      auto& at = s.positions[topic];  // named even when empty: the snapshot covers the topic
      for (const auto& [p, next] : partitions.items()) at[std::stoi(p)] = next.get<long long>();
    }
    auto state = body.substr(eol + 1);
    if (state.size() != header.at("state_bytes").get<size_t>()) return no("the snapshot's state has the wrong length");
    if (detail::crc32c(state.data(), state.size()) != header.at("state_crc32c").get<std::uint32_t>())
      return no("the snapshot's state fails its checksum");
    s.state.assign(state);
  } catch (const std::exception& e) {
    return no(std::string("the snapshot's header does not parse: ") + e.what());
  }
  if (s.service != service) return no("the snapshot is of service '" + s.service + "', not '" + service + "'");
  if (s.version != version)
    return no("the snapshot is of state version " + std::to_string(s.version) + "; this code reads version " +
              std::to_string(version));
  return s;
}

Result<std::shared_ptr<SnapshotStore>> open_file_snapshots(const std::string& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return fail(Error::internal("cannot create the snapshot directory '" + directory + "': " + ec.message()));
  return std::shared_ptr<SnapshotStore>(std::make_shared<FileSnapshots>(directory));
}

}  // namespace concord::events
