#pragma once
// Expected failures are values (Error), returned through Result<T>. Exactly one function,
// to_problem(), turns an Error into an HTTP status and an RFC 9457 problem+json body.
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace concord {

enum class ErrorCode {
  bad_request,            // 400: malformed syntax (JSON that does not parse, a bad query)
  validation_failed,      // 400: well-formed, but fields are wrong; see Error::errors
  unauthorized,           // 401
  forbidden,              // 403
  not_found,              // 404
  method_not_allowed,     // 405
  request_timeout,        // 408
  conflict,               // 409: the state forbids it (illegal transition, scheduling conflicts)
  gone,                   // 410
  precondition_failed,    // 412: If-Match did not match
  payload_too_large,      // 413
  unsupported_media,      // 415
  unprocessable,          // 422: e.g. Idempotency-Key reused with another body
  precondition_required,  // 428
  too_many_requests,      // 429
  header_too_large,       // 431
  internal,               // 500: a bug; never for bad input
  unavailable,            // 503: a dependency (event log, cache) is down; retry later
};

struct FieldError {
  std::string pointer;  // RFC 6901 JSON pointer into the request body ("" is the whole body)
  std::string message;
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string detail;
  std::vector<FieldError> errors;
  // Members merged into the problem document, e.g. "conflicts" or "allowed_actions".
  nlohmann::json extensions = nlohmann::json::object();
  // Headers the response must carry, e.g. Allow for 405 or WWW-Authenticate for 401.
  std::vector<std::pair<std::string, std::string>> headers;

  static Error bad_request(std::string detail, std::string pointer = {});
  static Error validation(std::vector<FieldError> errors);
  static Error validation(std::string pointer, std::string message);
  static Error unauthorized(std::string detail);
  static Error forbidden(std::string detail);
  static Error not_found(std::string detail);
  static Error conflict(std::string detail, nlohmann::json extensions = nlohmann::json::object());
  static Error precondition_failed(std::string detail);
  static Error unprocessable(std::string detail);
  static Error unavailable(std::string detail);
  static Error internal(std::string detail);
  static Error of(ErrorCode code, std::string detail);
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e) {
  return std::unexpected<Error>(std::move(e));
}

int http_status(ErrorCode code);
std::string_view title_of(ErrorCode code);
std::string_view slug_of(ErrorCode code);

struct Problem {
  int status;
  std::string body;  // application/problem+json
  std::vector<std::pair<std::string, std::string>> headers;
};

// The one place that maps errors to HTTP.
Problem to_problem(const Error& error, std::string_view instance = {});

inline constexpr std::string_view kProblemContentType = "application/problem+json";

}  // namespace concord
