#include <gtest/gtest.h>

#include "concord/events/event_log.hpp"

using namespace concord;
using namespace concord::events;

TEST(LogFailure, outages_are_503_and_keep_their_kind) {
  for (auto f : {LogFailure::unavailable, LogFailure::fenced}) {
    Error e = log_error(f, "broker down");
    EXPECT_EQ(e.code, ErrorCode::unavailable);
    EXPECT_EQ(http_status(e.code), 503);
    EXPECT_EQ(e.detail, "broker down");
    EXPECT_EQ(failure_of(e), f);
  }
  EXPECT_EQ(log_error(LogFailure::fenced, "x").extensions["log_failure"], "fenced");
}

TEST(LogFailure, a_refusal_is_a_bug_of_the_caller) {
  Error e = log_error(LogFailure::rejected, "event 0 is invalid");
  EXPECT_EQ(e.code, ErrorCode::internal);
  EXPECT_EQ(e.extensions["log_failure"], "rejected");
  EXPECT_EQ(failure_of(e), LogFailure::rejected);
}

TEST(LogFailure, errors_from_elsewhere_are_judged_by_their_code) {
  EXPECT_EQ(failure_of(Error::unavailable("redis down")), LogFailure::unavailable);
  EXPECT_EQ(failure_of(Error::bad_request("no")), LogFailure::rejected);
  Error odd = Error::internal("x");
  odd.extensions = {{"log_failure", "something else"}};
  EXPECT_EQ(failure_of(odd), LogFailure::rejected);
}
