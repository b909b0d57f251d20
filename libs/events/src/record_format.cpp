#include "record_format.hpp"

#include <algorithm>
#include <cstring>

#include "crc32c.hpp"
#include "posix_file.hpp"

namespace concord::events::detail {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
  out.append(b, 4);
}
void put_u64(std::string& out, std::uint64_t v) {
  put_u32(out, static_cast<std::uint32_t>(v));
  put_u32(out, static_cast<std::uint32_t>(v >> 32));
}
std::uint32_t get_u32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint32_t>(u[0]) | static_cast<std::uint32_t>(u[1]) << 8 |
         static_cast<std::uint32_t>(u[2]) << 16 | static_cast<std::uint32_t>(u[3]) << 24;
}
std::uint64_t get_u64(const char* p) {
  return get_u32(p) | static_cast<std::uint64_t>(get_u32(p + 4)) << 32;
}
void set_u32(std::string& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(v >> (8 * i));
}

// A bounds-checked cursor over a body.
struct Cursor {
  std::string_view body;
  std::size_t at = 0;
  bool u32(std::uint32_t& v) {
    if (body.size() - at < 4) return false;
    v = get_u32(body.data() + at);
    at += 4;
    return true;
  }
  bool bytes(std::string_view& v) {
    std::uint32_t n;
    if (!u32(n) || body.size() - at < n) return false;
    v = body.substr(at, n);
    at += n;
    return true;
  }
};

}  // namespace

RecordBuilder::RecordBuilder(const TxnTag* tag) {
  bytes_.reserve(512);
  bytes_.resize(kHeaderSize);
  bytes_.push_back(static_cast<char>(tag ? RecordKind::transaction : RecordKind::batch));
  count_at_ = bytes_.size();
  put_u32(bytes_, 0);
  if (tag) {
    put_u32(bytes_, static_cast<std::uint32_t>(tag->group.size()));
    bytes_ += tag->group;
    put_u64(bytes_, tag->seq);
  }
}

void RecordBuilder::add(std::string_view key, std::string_view event_json) {
  put_u32(bytes_, static_cast<std::uint32_t>(key.size()));
  bytes_ += key;
  put_u32(bytes_, static_cast<std::uint32_t>(event_json.size()));
  bytes_ += event_json;
  ++count_;
}

std::string RecordBuilder::finish() && {
  set_u32(bytes_, count_at_, count_);
  auto body_len = static_cast<std::uint32_t>(bytes_.size() - kHeaderSize);
  set_u32(bytes_, 0, kRecordMagic);
  set_u32(bytes_, 4, body_len);
  std::uint32_t crc = crc32c(bytes_.data() + 4, 4);
  crc = crc32c(bytes_.data() + kHeaderSize, body_len, crc);
  set_u32(bytes_, 8, crc);
  return std::move(bytes_);
}

std::optional<RecordMeta> inspect(std::string_view body, std::string& why) {
  RecordMeta meta;
  if (body.size() < 5) {
    why = "the record is too short to hold its kind and count";
    return std::nullopt;
  }
  auto kind = static_cast<unsigned char>(body[0]);
  if (kind != 1 && kind != 2) {
    why = "unknown record kind " + std::to_string(kind);
    return std::nullopt;
  }
  meta.kind = static_cast<RecordKind>(kind);
  Cursor c{body, 1};
  c.u32(meta.count);
  if (meta.kind == RecordKind::transaction) {
    if (!c.bytes(meta.group) || body.size() - c.at < 8) {
      why = "the transaction tag is cut short";
      return std::nullopt;
    }
    meta.seq = get_u64(body.data() + c.at);
    c.at += 8;
  }
  meta.events_at = c.at;
  for (std::uint32_t i = 0; i < meta.count; ++i) {
    std::string_view key, json;
    if (!c.bytes(key) || !c.bytes(json)) {
      why = "event " + std::to_string(i) + " of " + std::to_string(meta.count) + " runs past the end of the record";
      return std::nullopt;
    }
  }
  if (c.at != body.size()) {
    why = "the record has " + std::to_string(body.size() - c.at) + " bytes after its last event";
    return std::nullopt;
  }
  return meta;
}

std::vector<EventView> events_of(std::string_view body, const RecordMeta& meta) {
  std::vector<EventView> out;
  out.reserve(meta.count);
  Cursor c{body, meta.events_at};
  for (std::uint32_t i = 0; i < meta.count; ++i) {
    EventView v;
    c.bytes(v.key);
    c.bytes(v.json);
    out.push_back(v);
  }
  return out;
}

RecordReader::RecordReader(int fd, std::filesystem::path path, std::uint64_t from, std::uint64_t to, std::size_t chunk)
    : fd_(fd), path_(std::move(path)), pos_(from), to_(to), chunk_(chunk), buffer_at_(from) {}

// Makes [pos_, pos_ + need) buffered, or as much of it as the range and the file hold.
Status RecordReader::fill(std::size_t need) {
  std::uint64_t have_end = buffer_at_ + buffered_;
  if (pos_ >= buffer_at_ && pos_ + need <= have_end) return {};
  // Keep the unread tail, drop the rest.
  std::size_t keep = (pos_ >= buffer_at_ && pos_ < have_end) ? static_cast<std::size_t>(have_end - pos_) : 0;
  if (keep > 0) std::memmove(buffer_.data(), buffer_.data() + (pos_ - buffer_at_), keep);
  buffer_at_ = pos_;
  buffered_ = keep;
  std::size_t want = std::max(need, chunk_);
  want = static_cast<std::size_t>(std::min<std::uint64_t>(want, to_ - pos_));
  if (buffer_.size() < want) buffer_.resize(want);
  if (buffered_ < want) {
    auto n = read_at(fd_, path_, buffer_.data() + buffered_, want - buffered_, static_cast<off_t>(pos_ + buffered_));
    if (!n) return fail(n.error());
    buffered_ += *n;
  }
  return {};
}

Result<bool> RecordReader::next_committed(RecordView& out) {
  std::string why;
  auto step = next(out, why);
  if (!step) return fail(step.error());
  if (*step == Step::end) return false;
  if (*step != Step::record)
    return fail(
        Error::internal("topic file " + path_.string() + " is damaged at byte " + std::to_string(pos_) + ": " + why));
  return true;
}

Result<RecordReader::Step> RecordReader::next(RecordView& out, std::string& why) {
  if (pos_ >= to_) return Step::end;
  if (auto st = fill(kHeaderSize); !st) return fail(st.error());
  if (buffered_ < kHeaderSize) return Step::incomplete;
  const char* h = buffer_.data() + (pos_ - buffer_at_);
  if (get_u32(h) != kRecordMagic) {
    why = "no record starts here (bad magic)";
    return Step::bad;
  }
  std::uint32_t len = get_u32(h + 4);
  if (len > kMaxBody) {
    why = "the record claims " + std::to_string(len) + " bytes, more than the largest a record may have";
    return Step::bad;
  }
  std::uint64_t size = kHeaderSize + std::uint64_t{len};
  if (pos_ + size > to_) return Step::incomplete;
  if (auto st = fill(static_cast<std::size_t>(size)); !st) return fail(st.error());
  if (buffered_ < size) return Step::incomplete;  // the file is shorter than the range
  h = buffer_.data() + (pos_ - buffer_at_);
  std::uint32_t crc = crc32c(h + 4, 4);
  crc = crc32c(h + kHeaderSize, len, crc);
  if (crc != get_u32(h + 8)) {
    why = "the record fails its checksum";
    return Step::bad;
  }
  std::string_view body(h + kHeaderSize, len);
  auto meta = inspect(body, why);
  if (!meta) return Step::bad;
  out = RecordView{pos_, size, body, *meta};
  pos_ += size;
  return Step::record;
}

Result<std::optional<std::uint64_t>> find_valid_record(int fd, const std::filesystem::path& path, std::uint64_t from,
                                                       std::uint64_t size) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const char magic[4] = {'\xFE', '\x4E', '\xC0', '\xC0'};
  std::vector<char> chunk(kChunk + 3);
  for (std::uint64_t at = from; at + kHeaderSize <= size; at += kChunk) {
    auto n = read_at(fd, path, chunk.data(), chunk.size(), static_cast<off_t>(at));
    if (!n) return fail(n.error());
    std::string_view text(chunk.data(), *n);
    for (auto hit = text.find(std::string_view(magic, 4)); hit != std::string_view::npos && hit < kChunk;
         hit = text.find(std::string_view(magic, 4), hit + 1)) {
      RecordReader probe(fd, path, at + hit, size, kHeaderSize);
      RecordView view;
      std::string why;
      auto step = probe.next(view, why);
      if (!step) return fail(step.error());
      if (*step == RecordReader::Step::record) return std::optional<std::uint64_t>(at + hit);
    }
  }
  return std::optional<std::uint64_t>{};
}

}  // namespace concord::events::detail
