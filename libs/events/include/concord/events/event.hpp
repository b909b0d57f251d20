#pragma once
// A CloudEvents 1.0 event as Concord writes it to its topics, in structured JSON mode.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/time.hpp"

namespace concord::events {

inline constexpr std::string_view kContentType = "application/cloudevents+json; charset=utf-8";

struct Event {
  std::string id;       // UUIDv7
  std::string source;   // e.g. "/concord/scheduling"
  std::string type;     // concord.<service>.<aggregate>.<verb>
  std::string subject;  // the aggregate, e.g. "meeting/<id>"
  Timestamp time{};
  std::string datacontenttype = "application/json";
  std::string dataschema;     // URI of the JSON Schema of `data` (docs/asyncapi.yaml)
  long long sequence = 0;     // the aggregate's version after this event
  std::string actor;          // who caused it (a principal's subject, or "system")
  std::string correlationid;  // the request or chain it belongs to
  std::string causationid;    // the event or request that caused it
  std::string traceparent;    // W3C trace context, when there is one
  // A request that carried an Idempotency-Key: the hex SHA-256 of the service, the caller and
  // the key, and of the request itself (method, path, body), so that a writer that takes over
  // can answer a retry from the log (docs/event-contract.md).
  std::string idempotencykey;
  std::string requestdigest;
  nlohmann::json data = nlohmann::json::object();

  bool operator==(const Event&) const = default;
};

// Structured mode. Empty optional attributes (subject, datacontenttype, dataschema, actor,
// correlationid, causationid, traceparent, idempotencykey, requestdigest) are left out; `time` is written in UTC with
// `Z`. Never throws: a string that is not UTF-8 is written with U+FFFD (validate() refuses it first).
nlohmann::json to_json(const Event& e);
std::string serialize(const Event& e);
// Strict: specversion must be "1.0", required attributes present and typed, time RFC 3339,
// sequence a non-negative integer, data an object. The error names the attribute (bad_request,
// with the attribute's JSON pointer in `errors`). Unknown extension attributes are ignored, as
// CloudEvents asks, so an older reader can replay events a newer writer added attributes to.
// Never throws.
Result<Event> parse_event(std::string_view text);
Result<Event> from_json(const nlohmann::json& doc);
// Whether `e` would survive serialize → parse_event unchanged: id, source and type non-empty,
// sequence ≥ 0, time within years 0000–9999, data an object, valid UTF-8 throughout, a
// datacontenttype of JSON and a well-formed traceparent when present. Every EventLog refuses
// (LogFailure::rejected) an append or commit_with holding an event that fails this.
Status validate(const Event& e);

}  // namespace concord::events
