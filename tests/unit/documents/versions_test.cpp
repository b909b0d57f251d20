// Versions: numbering, digests, languages, the 2 MiB limit, contents in chunks, and the diff.
#include <gtest/gtest.h>

#include "documents/domain/diff.hpp"
#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

TEST(Versions, are_numbered_per_document_and_stored_with_their_sha256) {
  World w;
  auto id = w.create();
  w.ok(id, AddVersion{"ru", "первый"});
  w.ok(id, AddVersion{"ky", "биринчи"});
  w.ok(id, AddVersion{"ru", "второй"});
  const auto& doc = w.doc(id);
  ASSERT_EQ(doc.versions.size(), 3u);
  EXPECT_EQ(doc.versions[2].number, 3);
  EXPECT_EQ(doc.versions[2].language, "ru");
  EXPECT_EQ(doc.versions[2].sha256, crypto::sha256_hex("второй"));
  EXPECT_EQ(*doc.versions[2].content, "второй");
  EXPECT_EQ(doc.latest.at("ru").number, 3);
  EXPECT_EQ(doc.latest.at("ky").number, 2);
  EXPECT_EQ(crypto::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Versions, a_language_that_is_not_authentic_is_refused) {
  World w;
  auto id = w.create();
  auto r = w.step(id, AddVersion{"en", "text"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/language");
}

TEST(Versions, a_content_over_2_mib_is_refused_and_up_to_2_mib_is_kept_whole) {
  World w;
  auto id = w.create();
  auto r = w.step(id, AddVersion{"ru", std::string(kMaxContentBytes + 1, 'a')});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/content");
  EXPECT_FALSE(w.step(id, AddVersion{"ru", ""}));
  // Exactly 2 MiB of two-byte characters: chunks are cut between characters, never inside one.
  std::string big;
  while (big.size() + 2 <= kMaxContentBytes) big += "ж";
  auto facts = w.step(id, AddVersion{"ru", big});
  ASSERT_TRUE(facts);
  ASSERT_EQ(facts->size(), 17u);  // 16 chunks and version.added
  for (size_t i = 0; i + 1 < facts->size(); ++i) {
    const auto& chunk = (*facts)[i].data["content"].get_ref<const std::string&>();
    EXPECT_LE(chunk.size(), kContentChunkBytes);
    EXPECT_EQ(nlohmann::json((*facts)[i].data).dump().size() < 1000000, true);
  }
  const auto& v = w.doc(id).versions.back();
  EXPECT_TRUE(v.intact);
  EXPECT_EQ(*v.content, big);
  EXPECT_EQ(facts->back().data["chunks"], 16);
}

TEST(LineDiff, shows_added_removed_and_unchanged_lines) {
  auto d = diff_lines("a\nb\nc\nd\n", "a\nc\nd\ne\n");
  EXPECT_TRUE(d.exact);
  EXPECT_EQ(d.added, 1);
  EXPECT_EQ(d.removed, 1);
  EXPECT_EQ(d.unchanged, 3);
  auto j = diff_json(d);
  EXPECT_EQ(j["unified"], "@@ -1,4 +1,4 @@\n a\n-b\n c\n d\n+e\n");
}

TEST(LineDiff, of_identical_texts_has_no_hunks) {
  auto d = diff_lines("same\ntext", "same\ntext");
  EXPECT_EQ(d.added + d.removed, 0);
  EXPECT_TRUE(diff_json(d)["hunks"].empty());
}

TEST(LineDiff, finds_a_minimal_script_in_the_middle) {
  auto d = diff_lines("x\na\nb\nc\na\nb\nb\na\ny", "x\nc\nb\na\nb\na\nc\ny");
  EXPECT_TRUE(d.exact);
  EXPECT_EQ(d.added + d.removed, 5);  // Myers' classic example: D = 5
  // Applying the script to the old text gives the new one.
  std::string rebuilt;
  for (const auto& l : d.lines)
    if (l.op != '-') rebuilt += std::string(l.text) + "\n";
  EXPECT_EQ(rebuilt, "x\nc\nb\na\nb\na\nc\ny\n");
}

TEST(LineDiff, past_its_work_budget_reports_a_coarse_but_correct_diff) {
  std::string a, b;
  for (int i = 0; i < 3000; ++i) {
    a += "old " + std::to_string(i) + "\n";
    b += "new " + std::to_string(i) + "\n";
  }
  auto d = diff_lines(a, b, 10000);
  EXPECT_FALSE(d.exact);
  EXPECT_EQ(d.removed, 3000);
  EXPECT_EQ(d.added, 3000);
}
