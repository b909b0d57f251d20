#include "concord/core/error.hpp"

namespace concord {

Error Error::bad_request(std::string detail, std::string pointer) {
  Error e{.code = ErrorCode::bad_request, .detail = detail};
  e.errors.push_back({std::move(pointer), std::move(detail)});
  return e;
}
Error Error::validation(std::vector<FieldError> errors) {
  Error e{.code = ErrorCode::validation_failed};
  e.detail = errors.size() == 1 ? errors.front().message : std::to_string(errors.size()) + " fields are invalid";
  e.errors = std::move(errors);
  return e;
}
Error Error::validation(std::string pointer, std::string message) {
  return validation(std::vector<FieldError>{{std::move(pointer), std::move(message)}});
}
Error Error::unauthorized(std::string detail) {
  Error e = of(ErrorCode::unauthorized, std::move(detail));
  e.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"concord\"");
  return e;
}
Error Error::forbidden(std::string detail) {
  return of(ErrorCode::forbidden, std::move(detail));
}
Error Error::not_found(std::string detail) {
  return of(ErrorCode::not_found, std::move(detail));
}
Error Error::conflict(std::string detail, nlohmann::json extensions) {
  Error e = of(ErrorCode::conflict, std::move(detail));
  e.extensions = std::move(extensions);
  return e;
}
Error Error::precondition_failed(std::string detail) {
  return of(ErrorCode::precondition_failed, std::move(detail));
}
Error Error::unprocessable(std::string detail) {
  return of(ErrorCode::unprocessable, std::move(detail));
}
Error Error::unavailable(std::string detail) {
  return of(ErrorCode::unavailable, std::move(detail));
}
Error Error::internal(std::string detail) {
  return of(ErrorCode::internal, std::move(detail));
}
Error Error::of(ErrorCode code, std::string detail) {
  return Error{.code = code, .detail = std::move(detail)};
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
      return 400;
    case ErrorCode::validation_failed:
      return 400;
    case ErrorCode::unauthorized:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::method_not_allowed:
      return 405;
    case ErrorCode::request_timeout:
      return 408;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::gone:
      return 410;
    case ErrorCode::precondition_failed:
      return 412;
    case ErrorCode::payload_too_large:
      return 413;
    case ErrorCode::unsupported_media:
      return 415;
    case ErrorCode::unprocessable:
      return 422;
    case ErrorCode::precondition_required:
      return 428;
    case ErrorCode::too_many_requests:
      return 429;
    case ErrorCode::header_too_large:
      return 431;
    case ErrorCode::internal:
      return 500;
    case ErrorCode::unavailable:
      return 503;
  }
  return 500;
}

std::string_view title_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
      return "Bad request";
    case ErrorCode::validation_failed:
      return "Validation failed";
    case ErrorCode::unauthorized:
      return "Authentication required";
    case ErrorCode::forbidden:
      return "Forbidden";
    case ErrorCode::not_found:
      return "Not found";
    case ErrorCode::method_not_allowed:
      return "Method not allowed";
    case ErrorCode::request_timeout:
      return "Request timeout";
    case ErrorCode::conflict:
      return "Conflict";
    case ErrorCode::gone:
      return "Gone";
    case ErrorCode::precondition_failed:
      return "Precondition failed";
    case ErrorCode::payload_too_large:
      return "Payload too large";
    case ErrorCode::unsupported_media:
      return "Unsupported media type";
    case ErrorCode::unprocessable:
      return "Unprocessable request";
    case ErrorCode::precondition_required:
      return "Precondition required";
    case ErrorCode::too_many_requests:
      return "Too many requests";
    case ErrorCode::header_too_large:
      return "Request header fields too large";
    case ErrorCode::internal:
      return "Internal error";
    case ErrorCode::unavailable:
      return "Service unavailable";
  }
  return "Internal error";
}

std::string_view slug_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
      return "bad-request";
    case ErrorCode::validation_failed:
      return "validation-failed";
    case ErrorCode::unauthorized:
      return "unauthorized";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::not_found:
      return "not-found";
    case ErrorCode::method_not_allowed:
      return "method-not-allowed";
    case ErrorCode::request_timeout:
      return "request-timeout";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::gone:
      return "gone";
    case ErrorCode::precondition_failed:
      return "precondition-failed";
    case ErrorCode::payload_too_large:
      return "payload-too-large";
    case ErrorCode::unsupported_media:
      return "unsupported-media-type";
    case ErrorCode::unprocessable:
      return "unprocessable";
    case ErrorCode::precondition_required:
      return "precondition-required";
    case ErrorCode::too_many_requests:
      return "too-many-requests";
    case ErrorCode::header_too_large:
      return "header-too-large";
    case ErrorCode::internal:
      return "internal";
    case ErrorCode::unavailable:
      return "unavailable";
  }
  return "internal";
}

Problem to_problem(const Error& error, std::string_view instance) {
  nlohmann::json doc = {
      {"type", "urn:concord:problem:" + std::string(slug_of(error.code))},
      {"title", title_of(error.code)},
      {"status", http_status(error.code)},
      {"detail", error.detail},
  };
  if (!instance.empty()) doc["instance"] = instance;
  if (!error.errors.empty()) {
    auto& list = doc["errors"] = nlohmann::json::array();
    for (const auto& fe : error.errors) list.push_back({{"pointer", fe.pointer}, {"message", fe.message}});
  }
  for (const auto& [key, value] : error.extensions.items()) {
    if (!doc.contains(key)) doc[key] = value;
  }
  return Problem{http_status(error.code), doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                 error.headers};
}

}  // namespace concord
