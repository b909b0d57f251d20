#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "concord/events/event.hpp"

using namespace concord;
using namespace concord::events;
using nlohmann::json;

namespace {

Event full_event() {
  Event e;
  e.id = "0192f0c1-7a3b-7c4d-8e5f-0123456789ab";
  e.source = "/concord/scheduling";
  e.type = "concord.scheduling.meeting.rescheduled";
  e.subject = "meeting/0192f0c1-7a3b-7c4d-8e5f-0123456789ac";
  e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'250}};
  e.dataschema = "https://concord.example/schemas/meeting-rescheduled.json";
  e.sequence = 7;
  e.actor = "user/42";
  e.correlationid = "req-1";
  e.causationid = "req-1";
  e.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  e.idempotencykey = std::string(64, 'a');
  e.requestdigest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  e.data = {{"old", {{"start", "2025-09-28T07:00:00Z"}}},
            {"new", {{"start", "2025-09-28T08:00:00Z"}}},
            {"title", "Тет-а-тет 会谈"},
            {"ratio", 0.1},
            {"count", -3},
            {"flags", {true, false, nullptr}}};
  return e;
}

json valid_doc() {
  return to_json(full_event());
}

void expect_rejected(const json& doc, const std::string& attribute) {
  auto r = from_json(doc);
  ASSERT_FALSE(r) << "accepted: " << doc.dump();
  EXPECT_EQ(r.error().code, ErrorCode::bad_request);
  ASSERT_EQ(r.error().errors.size(), 1u);
  EXPECT_EQ(r.error().errors[0].pointer, "/" + attribute);
  EXPECT_NE(r.error().detail.find("'" + attribute + "'"), std::string::npos) << r.error().detail;
  // The text path says the same.
  auto t = parse_event(doc.dump());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().errors[0].pointer, "/" + attribute);
}

}  // namespace

TEST(Envelope, survives_serialize_and_parse_unchanged) {
  Event e = full_event();
  auto back = parse_event(serialize(e));
  ASSERT_TRUE(back) << back.error().detail;
  EXPECT_EQ(*back, e);
  EXPECT_EQ(serialize(*back), serialize(e));
}

TEST(Envelope, serialize_writes_what_the_json_document_would_byte_for_byte) {
  Event full = full_event();
  Event minimal;
  minimal.id = "1";
  minimal.source = "/s";
  minimal.type = "t";
  minimal.datacontenttype.clear();
  Event awkward = full_event();
  awkward.subject = "meeting/\"quoted\" \\ back\tslash\nnew line \x01\x1f \x7f Минск 🇧🇾";
  awkward.actor = "\b\f\r";
  awkward.data = {{"text", "line\nbreak \"q\" \x02"}, {"n", -3}, {"f", 0.5}, {"null", nullptr}, {"list", {1, "two"}}};
  awkward.sequence = 0;
  for (const auto& e : {full, minimal, awkward})
    EXPECT_EQ(serialize(e), to_json(e).dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST(Envelope, idempotency_attributes_must_be_sha256_in_lowercase_hex) {
  for (const char* attribute : {"idempotencykey", "requestdigest"}) {
    for (const std::string& bad : {std::string("the key itself"), std::string(64, 'A'), std::string(63, 'a')}) {
      auto doc = valid_doc();
      doc[attribute] = bad;
      expect_rejected(doc, attribute);
    }
  }
}

TEST(Envelope, a_minimal_event_survives_the_round_trip) {
  Event e;
  e.id = "1";
  e.source = "/s";
  e.type = "t";
  e.datacontenttype.clear();
  auto back = parse_event(serialize(e));
  ASSERT_TRUE(back) << back.error().detail;
  EXPECT_EQ(*back, e);
}

TEST(Envelope, is_structured_cloudevents_with_empty_attributes_left_out) {
  Event e = full_event();
  e.subject.clear();
  e.traceparent.clear();
  auto doc = json::parse(serialize(e));
  EXPECT_EQ(doc["specversion"], "1.0");
  EXPECT_EQ(doc["time"], "2025-09-28T09:00:00.250Z");
  EXPECT_EQ(doc["sequence"], 7);
  EXPECT_EQ(doc["datacontenttype"], "application/json");
  EXPECT_TRUE(doc["data"].is_object());
  EXPECT_FALSE(doc.contains("subject"));
  EXPECT_FALSE(doc.contains("traceparent"));
}

TEST(Envelope, time_with_an_offset_is_read_and_written_in_utc) {
  auto doc = valid_doc();
  doc["time"] = "2025-09-28T12:00:00+03:00";
  auto e = from_json(doc);
  ASSERT_TRUE(e) << e.error().detail;
  EXPECT_EQ(to_json(*e)["time"], "2025-09-28T09:00:00Z");
}

TEST(Envelope, unknown_extension_attributes_are_ignored) {
  auto doc = valid_doc();
  doc["tenant"] = "commission";
  auto e = from_json(doc);
  ASSERT_TRUE(e) << e.error().detail;
  EXPECT_EQ(*e, full_event());
}

TEST(Envelope, accepts_json_media_types_and_later_traceparent_versions) {
  auto doc = valid_doc();
  doc["datacontenttype"] = "application/vnd.concord+json; charset=utf-8";
  doc["traceparent"] = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future";
  EXPECT_TRUE(from_json(doc));
}

TEST(Envelope, text_that_is_not_json_is_rejected_with_the_byte) {
  auto r = parse_event("{\"specversion\": \"1.0\",");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_request);
  EXPECT_NE(r.error().detail.find("not valid JSON"), std::string::npos) << r.error().detail;
  EXPECT_FALSE(parse_event(""));
  EXPECT_FALSE(parse_event("\"\xff\xfe\""));  // not UTF-8
}

TEST(Envelope, an_envelope_that_is_not_an_object_is_rejected) {
  auto r = parse_event("[1, 2]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors[0].pointer, "");
}

struct Malformed {
  const char* name;
  std::string attribute;
  std::function<void(json&)> mutate;
};

void PrintTo(const Malformed& m, std::ostream* os) {
  *os << m.name;
}

class RejectsMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(RejectsMalformed, naming_the_attribute) {
  auto doc = valid_doc();
  GetParam().mutate(doc);
  expect_rejected(doc, GetParam().attribute);
}

const Malformed kMalformed[] = {
    {"specversion_missing", "specversion", [](json& d) { d.erase("specversion"); }},
    {"specversion_old", "specversion", [](json& d) { d["specversion"] = "0.3"; }},
    {"specversion_number", "specversion", [](json& d) { d["specversion"] = 1.0; }},
    {"id_missing", "id", [](json& d) { d.erase("id"); }},
    {"id_empty", "id", [](json& d) { d["id"] = ""; }},
    {"id_number", "id", [](json& d) { d["id"] = 17; }},
    {"source_missing", "source", [](json& d) { d.erase("source"); }},
    {"source_empty", "source", [](json& d) { d["source"] = ""; }},
    {"type_missing", "type", [](json& d) { d.erase("type"); }},
    {"type_object", "type", [](json& d) { d["type"] = json::object(); }},
    {"subject_empty", "subject", [](json& d) { d["subject"] = ""; }},
    {"subject_number", "subject", [](json& d) { d["subject"] = 3; }},
    {"time_missing", "time", [](json& d) { d.erase("time"); }},
    {"time_without_offset", "time", [](json& d) { d["time"] = "2025-09-28T10:00:00"; }},
    {"time_words", "time", [](json& d) { d["time"] = "yesterday"; }},
    {"time_impossible_date", "time", [](json& d) { d["time"] = "2025-02-30T10:00:00Z"; }},
    {"time_number", "time", [](json& d) { d["time"] = 1759050000; }},
    {"datacontenttype_not_json", "datacontenttype", [](json& d) { d["datacontenttype"] = "text/plain"; }},
    {"datacontenttype_number", "datacontenttype", [](json& d) { d["datacontenttype"] = 5; }},
    {"dataschema_relative", "dataschema", [](json& d) { d["dataschema"] = "schemas/x.json"; }},
    {"dataschema_empty", "dataschema", [](json& d) { d["dataschema"] = ""; }},
    {"sequence_missing", "sequence", [](json& d) { d.erase("sequence"); }},
    {"sequence_negative", "sequence", [](json& d) { d["sequence"] = -1; }},
    {"sequence_fraction", "sequence", [](json& d) { d["sequence"] = 1.5; }},
    {"sequence_string", "sequence", [](json& d) { d["sequence"] = "3"; }},
    {"sequence_too_large", "sequence", [](json& d) { d["sequence"] = std::numeric_limits<unsigned long long>::max(); }},
    {"actor_number", "actor", [](json& d) { d["actor"] = 5; }},
    {"correlationid_null", "correlationid", [](json& d) { d["correlationid"] = nullptr; }},
    {"causationid_empty", "causationid", [](json& d) { d["causationid"] = ""; }},
    {"traceparent_short", "traceparent", [](json& d) { d["traceparent"] = "00-xyz"; }},
    {"traceparent_zero_trace", "traceparent",
     [](json& d) { d["traceparent"] = "00-00000000000000000000000000000000-00f067aa0ba902b7-01"; }},
    {"traceparent_uppercase", "traceparent",
     [](json& d) { d["traceparent"] = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"; }},
    {"traceparent_v00_extra", "traceparent",
     [](json& d) { d["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"; }},
    {"data_missing", "data", [](json& d) { d.erase("data"); }},
    {"data_array", "data",
     [](json& d) {
       d["data"] = json::array({1, 2});
     }},
    {"data_string", "data", [](json& d) { d["data"] = "text"; }},
    {"data_base64_present", "data_base64", [](json& d) { d["data_base64"] = "AAAA"; }},
};

INSTANTIATE_TEST_SUITE_P(Envelope, RejectsMalformed, ::testing::ValuesIn(kMalformed),
                         [](const ::testing::TestParamInfo<Malformed>& p) { return std::string(p.param.name); });

TEST(Envelope, from_json_leaves_its_document_alone) {
  const json doc = valid_doc();
  json copy = doc;
  ASSERT_TRUE(from_json(doc));
  EXPECT_EQ(doc, copy);
}

TEST(Validate, accepts_a_complete_event) {
  EXPECT_TRUE(validate(full_event()));
}

TEST(Validate, refuses_what_would_not_come_back_the_same) {
  auto refused = [](auto mutate, const std::string& attribute) {
    Event e = full_event();
    mutate(e);
    auto st = validate(e);
    ASSERT_FALSE(st) << attribute;
    EXPECT_EQ(st.error().errors.at(0).pointer, "/" + attribute);
  };
  refused([](Event& e) { e.id.clear(); }, "id");
  refused([](Event& e) { e.source.clear(); }, "source");
  refused([](Event& e) { e.type.clear(); }, "type");
  refused([](Event& e) { e.subject = "meeting/\xc3"; }, "subject");
  refused([](Event& e) { e.sequence = -1; }, "sequence");
  refused([](Event& e) { e.time = Timestamp{std::chrono::milliseconds{-62'167'219'200'001}}; },
          "time");  // 0000-01-01 less 1 ms
  refused([](Event& e) { e.datacontenttype = "application/xml"; }, "datacontenttype");
  refused([](Event& e) { e.traceparent = "not-a-trace"; }, "traceparent");
  refused([](Event& e) { e.data = json::array(); }, "data");
  refused([](Event& e) { e.data["bad"] = std::string("\xed\xa0\x80"); }, "data");  // a surrogate
  refused([](Event& e) { e.data["nested"] = {{"list", {std::nan("")}}}; }, "data");
  refused([](Event& e) { e.data[std::string("\xff")] = 1; }, "data");
}

TEST(Validate, the_earliest_and_latest_times_survive) {
  for (auto ms : {-62'167'219'200'000LL, 253'402'300'799'999LL}) {  // 0000-01-01T00:00:00Z, 9999-12-31T23:59:59.999Z
    Event e = full_event();
    e.time = Timestamp{std::chrono::milliseconds{ms}};
    ASSERT_TRUE(validate(e)) << ms;
    auto back = parse_event(serialize(e));
    ASSERT_TRUE(back) << back.error().detail;
    EXPECT_EQ(back->time, e.time);
  }
}

TEST(Envelope, serialize_does_not_throw_on_text_that_is_not_utf8) {
  Event e = full_event();
  e.data["bad"] = std::string("\xff");
  std::string text;
  EXPECT_NO_THROW(text = serialize(e));
  EXPECT_TRUE(parse_event(text));
}

TEST(Envelope, every_spelling_of_an_event_reads_the_same_as_the_general_path) {
  // parse_event reads compact, plain envelopes by hand; anything else goes through the JSON
  // parser. Both must agree.
  std::vector<std::string> texts = {serialize(full_event()), valid_doc().dump(2)};
  auto escaped = valid_doc();
  escaped["subject"] = "meeting/\"quoted\"\n";
  escaped["actor"] = "Пользователь";
  texts.push_back(escaped.dump());
  auto extended = valid_doc();
  extended["tenant"] = "x";
  texts.push_back(extended.dump());
  auto zero = valid_doc();
  zero["sequence"] = 0;
  texts.push_back(zero.dump());
  texts.push_back(" \n" + serialize(full_event()) + "\t ");
  for (const auto& text : texts) {
    auto fast = parse_event(text);
    auto general = from_json(json::parse(text));
    ASSERT_TRUE(fast) << text << ": " << fast.error().detail;
    ASSERT_TRUE(general) << text;
    EXPECT_EQ(*fast, *general) << text;
  }
  EXPECT_EQ(parse_event(escaped.dump())->subject, "meeting/\"quoted\"\n");
}

TEST(Envelope, text_after_the_envelope_is_rejected) {
  EXPECT_FALSE(parse_event(serialize(full_event()) + "x"));
  EXPECT_FALSE(parse_event(serialize(full_event()) + "{}"));
}

TEST(Envelope, a_repeated_attribute_is_not_read_twice_by_hand) {
  std::string text = serialize(full_event());
  text.insert(1, "\"id\":\"first\",");
  auto r = parse_event(text);
  auto general = from_json(json::parse(text));
  ASSERT_EQ(r.has_value(), general.has_value());
  if (r) {
    EXPECT_EQ(*r, *general);
  }
}
