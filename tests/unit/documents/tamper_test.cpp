// Tampering with the stored file log: someone rewrites it (checksums and all, through the log's
// own writer) with one event altered or removed. The service starts on it and its audit says
// the chain does not verify, and where it breaks.
#include "api_fixture.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

namespace {

using Edit = std::function<void(std::vector<events::Record>&)>;

// Copies every topic of the log in `from` into a new log in `to`, editing the documents topic.
void rewrite(const std::filesystem::path& from, const std::filesystem::path& to, const Edit& edit) {
  auto source = events::open_file_log({.directory = from});
  ASSERT_TRUE(source) << source.error().detail;
  auto target = events::open_file_log({.directory = to});
  ASSERT_TRUE(target) << target.error().detail;
  for (std::string topic : {"concord.delegations.v1", "concord.scheduling.v1", "concord.documents.v1"}) {
    std::vector<events::Record> records;
    ASSERT_TRUE((*source)->replay(topic, [&](const events::Record& r) -> Status {
      records.push_back(r);
      return {};
    }));
    if (topic == "concord.documents.v1") edit(records);
    ASSERT_TRUE((*target)->ensure_topics({{topic}}));
    for (const auto& r : records) ASSERT_TRUE((*target)->append(topic, r.key, {r.event}));
  }
}

class TamperedLog : public DocumentsApi {
 protected:
  // A signed document, the service stopped, its log rewritten with `edit`, a new service on it.
  json audit_after(const Edit& edit) {
    id_ = signed_document();
    auto before = h->get(path(id_, "/audit"));
    EXPECT_EQ(before.json["valid"], true);
    h->stop();
    rewrite(dir_.path(), tampered_.path(), edit);
    h = std::make_unique<Harness>(tampered_.path());
    h->start();
    auto after = h->get(path(id_, "/audit"));
    EXPECT_EQ(after.status, 200) << after.body;
    return after.json;
  }
  // The position of the event of `type` of the document in the records.
  size_t find(const std::vector<events::Record>& records, const std::string& type, int nth = 0) {
    for (size_t i = 0; i < records.size(); ++i)
      if (records[i].key == id_ && records[i].event.type == type && nth-- == 0) return i;
    ADD_FAILURE() << "no " << type;
    return 0;
  }

  TempDirectory tampered_;
  std::string id_;
};

}  // namespace

TEST_F(TamperedLog, an_altered_event_is_found_and_named) {
  long long altered_sequence = 0;
  std::string altered_id;
  auto audit = audit_after([&](std::vector<events::Record>& records) {
    auto& approval = records[find(records, "concord.documents.approval.recorded", 1)];
    approval.event.data["decision"] = "reject";  // history rewritten: the guest party never approved
    altered_sequence = approval.event.sequence;
    altered_id = approval.event.id;
  });
  EXPECT_EQ(audit["valid"], false);
  EXPECT_EQ(audit["broken_at"]["sequence"], altered_sequence);
  EXPECT_EQ(audit["broken_at"]["event_id"], altered_id);
  EXPECT_NE(audit["broken_at"]["reason"].get<std::string>().find("altered"), std::string::npos);
  // Events before the break still verify; from the break on they do not.
  for (const auto& e : audit["events"]) EXPECT_EQ(e["verified"], e["sequence"].get<long long>() < altered_sequence);
  auto cert = h->get(path(id_, "/certificate"));
  EXPECT_EQ(cert.json["audit"]["valid"], false);
}

TEST_F(TamperedLog, a_removed_event_is_found_at_the_event_after_it) {
  long long next_sequence = 0;
  auto audit = audit_after([&](std::vector<events::Record>& records) {
    auto i = find(records, "concord.documents.signature.recorded", 0);
    next_sequence = records[i].event.sequence + 1;
    records.erase(records.begin() + static_cast<long>(i));
  });
  EXPECT_EQ(audit["valid"], false);
  EXPECT_EQ(audit["broken_at"]["sequence"], next_sequence);
  EXPECT_NE(audit["broken_at"]["reason"].get<std::string>().find("removed"), std::string::npos);
}

TEST_F(TamperedLog, an_untouched_copy_still_verifies) {
  auto audit = audit_after([](std::vector<events::Record>&) {});
  EXPECT_EQ(audit["valid"], true);
  EXPECT_EQ(h->get(path(id_)).json["status"], "signed");
}
