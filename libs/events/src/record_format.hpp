#pragma once
// The file log's on-disk format.
//
//   topic file  = "CNCDLOG" 0x01, then records back to back
//   record      = magic u32 | length u32 | crc32c u32 | body (length bytes)
//                 the CRC-32C covers the length field and the body; all integers little-endian
//   body        = kind u8 | count u32 | [transaction: group_len u32, group, seq u64]
//                 | count × (key_len u32, key, event_len u32, event: CloudEvents JSON)
//
// One record is one append (kind 1, every key the same) or one topic's share of a commit_with
// (kind 2, tagged with the consumer group and its transaction number). The magic's bytes
// FE 4E C0 C0 never occur in UTF-8 text, so a search for the next record after a bad one does
// not stop inside an event.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/error.hpp"

namespace concord::events::detail {

inline constexpr std::string_view kFileMagic{"CNCDLOG\x01", 8};
inline constexpr std::uint32_t kRecordMagic = 0xC0C04EFEu;
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::size_t kMaxBody = std::size_t{64} << 20;

enum class RecordKind : std::uint8_t { batch = 1, transaction = 2 };

struct TxnTag {
  std::string group;
  std::uint64_t seq = 0;
};

class RecordBuilder {
 public:
  explicit RecordBuilder(const TxnTag* tag = nullptr);
  void add(std::string_view key, std::string_view event_json);
  std::uint32_t count() const { return count_; }
  std::size_t body_size() const { return bytes_.size() - kHeaderSize; }
  std::string finish() &&;  // the whole record, header included

 private:
  std::string bytes_;
  std::uint32_t count_ = 0;
  std::size_t count_at_ = 0;
};

struct RecordMeta {
  RecordKind kind = RecordKind::batch;
  std::uint32_t count = 0;
  std::string_view group;  // transaction records only
  std::uint64_t seq = 0;
  std::size_t events_at = 0;  // where the events start in the body
};

// Checks the body's framing (every length within bounds); on failure says why.
std::optional<RecordMeta> inspect(std::string_view body, std::string& why);

struct EventView {
  std::string_view key;
  std::string_view json;
};
// The events of a body inspect() accepted, in order.
std::vector<EventView> events_of(std::string_view body, const RecordMeta& meta);

struct RecordView {
  std::uint64_t pos = 0;   // of the header
  std::uint64_t size = 0;  // header and body
  std::string_view body;   // valid until the next call to next()
  RecordMeta meta;
};

// Reads the records of [from, to) of a file in order, checking each.
class RecordReader {
 public:
  enum class Step { record, end, incomplete, bad };
  RecordReader(int fd, std::filesystem::path path, std::uint64_t from, std::uint64_t to,
               std::size_t chunk = std::size_t{1} << 20);
  // `incomplete`: the range ends inside a record; `bad`: the record at position() is wrong (why).
  Result<Step> next(RecordView& out, std::string& why);
  // For a range that holds only committed records: the next one, or false at the end; a record
  // cut short or wrong there means the file is damaged, an error that names it and where.
  Result<bool> next_committed(RecordView& out);
  std::uint64_t position() const { return pos_; }

 private:
  Status fill(std::size_t need);
  int fd_;
  std::filesystem::path path_;
  std::uint64_t pos_, to_;
  std::size_t chunk_;
  std::vector<char> buffer_;
  std::uint64_t buffer_at_;  // file position of buffer_[0]
  std::size_t buffered_ = 0;
};

// The first position in [from, size) where a whole, valid record starts, if there is one.
Result<std::optional<std::uint64_t>> find_valid_record(int fd, const std::filesystem::path& path, std::uint64_t from,
                                                       std::uint64_t size);

}  // namespace concord::events::detail
