#include <gtest/gtest.h>

#include <set>

#include "concord/core/secret.hpp"

using namespace concord;

TEST(Secret, new_secrets_are_prefixed_64_hex_digits_and_never_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto s = new_secret(kFeedSecretPrefix);
    EXPECT_TRUE(is_secret(s, kFeedSecretPrefix)) << s;
    EXPECT_FALSE(is_secret(s, kTicketSecretPrefix));
    EXPECT_TRUE(seen.insert(s).second);
  }
  EXPECT_FALSE(is_secret("cf_" + std::string(63, 'a'), kFeedSecretPrefix));
  EXPECT_FALSE(is_secret("cf_" + std::string(65, 'a'), kFeedSecretPrefix));
  EXPECT_FALSE(is_secret("cf_" + std::string(64, 'A'), kFeedSecretPrefix));
  EXPECT_FALSE(is_secret("cf_" + std::string(64, 'g'), kFeedSecretPrefix));
}

TEST(Secret, redaction_masks_secrets_in_paths_and_queries_and_leaves_the_rest) {
  auto feed = new_secret(kFeedSecretPrefix);
  auto ticket = new_secret(kTicketSecretPrefix);
  EXPECT_EQ(redact_secrets("/v1/calendar-feeds/" + feed + "/programme.ics"),
            "/v1/calendar-feeds/cf_REDACTED/programme.ics");
  EXPECT_EQ(redact_secrets("/v1/inbox/stream?ticket=" + ticket + "&last_event_id=x"),
            "/v1/inbox/stream?ticket=st_REDACTED&last_event_id=x");
  EXPECT_EQ(redact_secrets(feed), "cf_REDACTED");
  // Mangled or truncated secrets go too: whatever follows the prefix up to the next delimiter.
  EXPECT_EQ(redact_secrets("/v1/calendar-feeds/" + feed + "zz#frag"), "/v1/calendar-feeds/cf_REDACTED#frag");
  EXPECT_EQ(redact_secrets("/a/cf_/b"), "/a/cf_REDACTED/b");
  // Not at the start of a segment or value: left alone.
  EXPECT_EQ(redact_secrets("/v1/visits/abc_cf_1/x_st_2"), "/v1/visits/abc_cf_1/x_st_2");
  EXPECT_EQ(redact_secrets("/v1/visits/0190-ab/meetings"), "/v1/visits/0190-ab/meetings");
  EXPECT_EQ(redact_secrets(""), "");
}
