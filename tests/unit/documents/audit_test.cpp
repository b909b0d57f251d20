// The audit chain: every event carries the hash of the one before; altering or removing one
// is found, and where.
#include <gtest/gtest.h>

#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

namespace {

// Every fact of every document, in the order they were applied.
struct Recorder {
  World w;
  std::vector<NewEvent> all;
  std::string id;
  Recorder() {
    // Re-run the workflow, keeping the facts.
    CreateDocument c{
        {{"en", "Memorandum"}}, "memorandum", w.visit, {w.kg, w.by}, {{w.kg, w.kg_head}, {w.by, w.by_head}}, {"ru"}};
    auto created = decide_create(w.state, c, w.officer());
    keep(*created);
    id = created->front().subject.substr(9);
    for (Command cmd :
         std::vector<Command>{AddVersion{"ru", "Текст меморандума"}, Submit{}, RecordApproval{w.kg, "approve", ""},
                              RecordApproval{w.by, "approve", ""}, Agree{}, LinkSigning{w.meeting}}) {
      auto facts = decide(w.state, id, cmd, w.officer());
      EXPECT_TRUE(facts) << facts.error().detail;
      keep(*facts);
    }
  }
  void keep(const std::vector<NewEvent>& facts) {
    for (const auto& f : facts) {
      evolve(w.state, f);
      all.push_back(f);
    }
  }
  Document replay(const std::vector<NewEvent>& facts) {
    State s;
    for (const auto& f : facts) evolve(s, f);
    return s.documents.at(id);
  }
};

}  // namespace

TEST(AuditChain, every_event_carries_the_hash_of_the_one_before) {
  Recorder r;
  ASSERT_GE(r.all.size(), 8u);
  EXPECT_EQ(r.all[0].data["previous_hash"], std::string(kGenesisHash));
  for (size_t i = 1; i < r.all.size(); ++i) {
    EXPECT_EQ(r.all[i].data["previous_hash"], r.all[i - 1].data["hash"]);
    EXPECT_EQ(r.all[i].data["hash"], chain_hash(r.all[i]));
    EXPECT_EQ(r.all[i].sequence, static_cast<long long>(i) + 1);
  }
  auto verdict = verify_chain(r.w.doc(r.id));
  EXPECT_TRUE(verdict.valid);
  EXPECT_EQ(r.w.doc(r.id).head_hash, r.all.back().data["hash"].get<std::string>());
}

TEST(AuditChain, an_altered_event_breaks_the_chain_at_that_event) {
  Recorder r;
  auto facts = r.all;
  facts[3].data["comment"] = "approved under protest";  // the first approval
  auto verdict = verify_chain(r.replay(facts));
  EXPECT_FALSE(verdict.valid);
  EXPECT_EQ(verdict.broken_at, 4);
  EXPECT_EQ(verdict.event_id, facts[3].id);
  EXPECT_NE(verdict.reason.find("altered"), std::string::npos);
}

TEST(AuditChain, an_altered_event_with_a_recomputed_hash_breaks_the_link_to_the_next) {
  Recorder r;
  auto facts = r.all;
  facts[3].data["comment"] = "approved under protest";
  facts[3].data["hash"] = chain_hash(facts[3]);
  auto verdict = verify_chain(r.replay(facts));
  EXPECT_FALSE(verdict.valid);
  EXPECT_EQ(verdict.broken_at, 5);
}

TEST(AuditChain, a_removed_event_breaks_the_chain_at_the_event_after_it) {
  Recorder r;
  auto facts = r.all;
  facts.erase(facts.begin() + 4);  // the second approval
  auto doc = r.replay(facts);
  auto verdict = verify_chain(doc);
  EXPECT_FALSE(verdict.valid);
  EXPECT_EQ(verdict.broken_at, 6);
  EXPECT_EQ(verdict.event_id, r.all[5].id);
}

TEST(AuditChain, altered_content_is_also_found_by_its_digest) {
  Recorder r;
  auto facts = r.all;
  ASSERT_EQ(facts[1].type, "concord.documents.version.content_added");
  facts[1].data["content"] = "Другой текст";
  auto doc = r.replay(facts);
  EXPECT_FALSE(doc.versions.at(0).intact);
  EXPECT_EQ(verify_chain(doc).broken_at, 2);
}
