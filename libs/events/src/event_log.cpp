#include "concord/events/event_log.hpp"

namespace concord::events {
namespace {

constexpr std::string_view kFailureKey = "log_failure";

std::string_view name_of(LogFailure failure) {
  switch (failure) {
    case LogFailure::unavailable:
      return "unavailable";
    case LogFailure::fenced:
      return "fenced";
    case LogFailure::rejected:
      return "rejected";
  }
  return "unavailable";
}

}  // namespace

LogFailure failure_of(const Error& error) {
  if (error.extensions.is_object()) {
    auto it = error.extensions.find(kFailureKey);
    if (it != error.extensions.end() && it->is_string()) {
      const auto& name = it->get_ref<const std::string&>();
      if (name == "unavailable") return LogFailure::unavailable;
      if (name == "fenced") return LogFailure::fenced;
      if (name == "rejected") return LogFailure::rejected;
    }
  }
  return error.code == ErrorCode::unavailable ? LogFailure::unavailable : LogFailure::rejected;
}

Error log_error(LogFailure failure, std::string detail) {
  // A refusal is the caller's bug (its input was validated before it reached the log): 500.
  // The other two are outages of the log, worth retrying later or elsewhere: 503.
  Error e =
      Error::of(failure == LogFailure::rejected ? ErrorCode::internal : ErrorCode::unavailable, std::move(detail));
  e.extensions[std::string(kFailureKey)] = name_of(failure);
  return e;
}

}  // namespace concord::events
