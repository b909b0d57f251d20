#include <gtest/gtest.h>

#include <string>

#include "crc32c.hpp"
#include "record_format.hpp"

using namespace concord::events::detail;

namespace {
std::string_view body_of(const std::string& record) {
  return std::string_view(record).substr(kHeaderSize);
}
}  // namespace

TEST(RecordFormat, a_batch_holds_its_events_in_order) {
  RecordBuilder b;
  b.add("key-1", "{\"a\":1}");
  b.add("key-1", "{\"b\":2}");
  auto record = std::move(b).finish();
  std::string why;
  auto meta = inspect(body_of(record), why);
  ASSERT_TRUE(meta) << why;
  EXPECT_EQ(meta->kind, RecordKind::batch);
  EXPECT_EQ(meta->count, 2u);
  auto events = events_of(body_of(record), *meta);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key, "key-1");
  EXPECT_EQ(events[1].json, "{\"b\":2}");
}

TEST(RecordFormat, a_transaction_record_carries_its_group_and_number) {
  TxnTag tag{"notifications", 42};
  RecordBuilder b(&tag);
  b.add("k", "{}");
  auto record = std::move(b).finish();
  std::string why;
  auto meta = inspect(body_of(record), why);
  ASSERT_TRUE(meta) << why;
  EXPECT_EQ(meta->kind, RecordKind::transaction);
  EXPECT_EQ(meta->group, "notifications");
  EXPECT_EQ(meta->seq, 42u);
}

TEST(RecordFormat, the_header_has_magic_length_and_a_checksum_over_both) {
  RecordBuilder b;
  b.add("k", "{}");
  auto record = std::move(b).finish();
  EXPECT_EQ(static_cast<unsigned char>(record[0]), 0xFE);
  EXPECT_EQ(static_cast<unsigned char>(record[1]), 0x4E);
  EXPECT_EQ(static_cast<unsigned char>(record[2]), 0xC0);
  EXPECT_EQ(static_cast<unsigned char>(record[3]), 0xC0);
  std::uint32_t len = static_cast<unsigned char>(record[4]) | static_cast<unsigned char>(record[5]) << 8;
  EXPECT_EQ(len, record.size() - kHeaderSize);
  std::uint32_t crc = crc32c(record.data() + 4, 4);
  crc = crc32c(record.data() + kHeaderSize, len, crc);
  std::uint32_t stored = 0;
  for (int i = 3; i >= 0; --i) stored = stored << 8 | static_cast<unsigned char>(record[8 + i]);
  EXPECT_EQ(stored, crc);
}

TEST(RecordFormat, framing_that_does_not_add_up_is_refused) {
  RecordBuilder b;
  b.add("k", "{\"a\":1}");
  auto record = std::move(b).finish();
  std::string body(body_of(record));
  std::string why;
  EXPECT_FALSE(inspect(body.substr(0, body.size() - 1), why));
  EXPECT_NE(why.find("runs past the end"), std::string::npos) << why;
  EXPECT_FALSE(inspect(body + "x", why));
  EXPECT_NE(why.find("after its last event"), std::string::npos) << why;
  std::string wrong_kind = body;
  wrong_kind[0] = 9;
  EXPECT_FALSE(inspect(wrong_kind, why));
  EXPECT_FALSE(inspect("", why));
}
