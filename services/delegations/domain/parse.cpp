#include "delegations/domain/parse.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "concord/core/json_input.hpp"
#include "concord/crypto/crypto.hpp"
#include "delegations/domain/codec.hpp"
#include "delegations/domain/countries.hpp"

namespace concord::delegations {

using json_input::Need;
using nlohmann::json;

namespace {

// Errors at pointers a Reader cannot name (array items, fields of other objects); reported
// together with the Reader's.
using Extra = std::vector<FieldError>;

Status finish(const json_input::Reader& r, const Extra& extra) {
  if (r.ok() && extra.empty()) return {};
  std::vector<FieldError> all = r.errors();
  all.insert(all.end(), extra.begin(), extra.end());
  return fail(Error::validation(std::move(all)));
}

bool is_null_field(const json_input::Reader& r, std::string_view field) {
  const auto& j = r.json();
  auto it = j.find(field);
  return it != j.end() && it->is_null();
}

std::optional<std::string> country(json_input::Reader& r, Need need) {
  auto code = r.string("country", need, 2);
  if (!code) return std::nullopt;
  if (!is_country_code(*code)) {
    r.add_error("country", "'" + *code + "' is not an ISO 3166-1 alpha-2 country code (e.g. BY, KG)");
    return std::nullopt;
  }
  return code;
}

std::optional<Side> side(json_input::Reader& r, Need need) {
  auto s = r.one_of("side", {"host", "guest"}, need);
  return s ? parse_side(*s) : std::nullopt;
}

std::optional<Rank> rank(json_input::Reader& r, Need need) {
  auto s = r.one_of("rank", rank_names(), need);
  return s ? parse_rank(*s) : std::nullopt;
}

std::optional<std::vector<std::string>> languages(json_input::Reader& r, Need need, Extra& extra) {
  auto list = r.string_list("languages", need, 20, 35);
  if (!list) return std::nullopt;
  if (list->empty()) {
    r.add_error("languages", "must name at least one language");
    return std::nullopt;
  }
  bool good = true;
  std::set<std::string> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& tag = (*list)[i];
    if (!json_input::is_bcp47(tag)) {
      extra.push_back({r.pointer("languages") + "/" + std::to_string(i), "'" + tag + "' is not a BCP 47 language tag"});
      good = false;
    } else if (!seen.insert(tag).second) {
      extra.push_back({r.pointer("languages") + "/" + std::to_string(i), "'" + tag + "' is listed twice"});
      good = false;
    }
  }
  if (!good) return std::nullopt;
  return list;
}

std::optional<Contact> contact(json_input::Reader& r, Need need) {
  auto c = r.object("contact", need);
  if (!c) return std::nullopt;
  c->refuse_unknown({"email", "phone"});
  Contact out;
  bool good = true;
  if (auto email = c->string("email", Need::optional, 254)) {
    if (is_email(*email))
      out.email = *email;
    else {
      c->add_error("email", "'" + *email + "' is not an e-mail address");
      good = false;
    }
  }
  if (auto phone = c->string("phone", Need::optional, 40)) {
    if (auto normal = normalize_phone(*phone))
      out.phone = *normal;
    else {
      c->add_error("phone", "must be an international number in E.164 form, e.g. +375291234567");
      good = false;
    }
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<Notifications> notifications(json_input::Reader& r, Need need, Extra& extra) {
  auto n = r.object("notifications", need);
  if (!n) return std::nullopt;
  n->refuse_unknown({"language", "channels"});
  Notifications out;
  bool good = true;
  if (auto lang = n->string("language", Need::optional, 35)) {
    if (json_input::is_bcp47(*lang))
      out.language = *lang;
    else {
      n->add_error("language", "'" + *lang + "' is not a BCP 47 language tag");
      good = false;
    }
  }
  if (auto channels = n->string_list("channels", Need::optional, 10, 20)) {
    if (channels->empty()) {
      n->add_error("channels", "must name at least one channel (inbox, stream, email, sms)");
      good = false;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < channels->size(); ++i) {
      const auto& ch = (*channels)[i];
      const auto& names = channel_names();
      if (std::find(names.begin(), names.end(), ch) == names.end()) {
        extra.push_back(
            {n->pointer("channels") + "/" + std::to_string(i), "must be one of: inbox, stream, email, sms"});
        good = false;
      } else if (!seen.insert(ch).second) {
        extra.push_back({n->pointer("channels") + "/" + std::to_string(i), "'" + ch + "' is listed twice"});
        good = false;
      }
    }
    out.channels = *channels;
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<std::string> public_key(json_input::Reader& r) {
  auto key = r.string("public_key", Need::optional, 100);
  if (!key) return std::nullopt;
  if (!is_ed25519_public_key(*key)) {
    r.add_error("public_key", "must be an Ed25519 public key: 32 bytes in standard base64 (44 characters)");
    return std::nullopt;
  }
  return key;
}

std::optional<long long> precedence_order(json_input::Reader& r) {
  return r.integer("precedence_order", 1, 9999, Need::optional);
}

std::optional<TravelLeg> leg(json_input::Reader& r, std::string_view field) {
  auto o = r.object(field, Need::optional);
  if (!o) return std::nullopt;
  o->refuse_unknown({"time", "flight", "airport"});
  TravelLeg out;
  auto text = o->string("time", Need::required, 64);
  std::optional<Timestamp> t;
  std::optional<int> offset;
  if (text) {
    auto parsed = parse_rfc3339(*text);
    offset = offset_minutes_of(*text);
    if (!parsed || !offset)
      o->add_error("time", parsed ? "must carry an offset, e.g. 2025-09-28T10:00:00+03:00"
                                  : (parsed.error().errors.empty() ? parsed.error().detail
                                                                   : parsed.error().errors.front().message));
    else
      t = *parsed;
  }
  auto flight = o->string("flight", Need::optional, 16);
  if (flight) {
    bool ok = std::all_of(flight->begin(), flight->end(),
                          [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == ' '; });
    if (!ok) {
      o->add_error("flight", "must be a flight number such as B2 733 (letters, digits, spaces)");
      flight.reset();
    }
  }
  auto airport = o->string("airport", Need::optional, 3);
  if (airport && !is_iata_airport(*airport)) {
    o->add_error("airport", "must be an IATA airport code of three upper-case letters, e.g. MSQ");
    airport.reset();
  }
  if (!t || !offset) return std::nullopt;
  out.time = *t;
  out.offset_minutes = *offset;
  out.flight = flight;
  out.airport = airport;
  return out;
}

}  // namespace

bool is_email(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  auto domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c < 0x20; });
}

std::optional<std::string> normalize_phone(std::string_view s) {
  std::string digits;
  if (s.empty() || s.front() != '+') return std::nullopt;
  for (char c : s.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits += c;
    else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
      return std::nullopt;
  }
  if (digits.size() < 7 || digits.size() > 15 || digits.front() == '0') return std::nullopt;
  return "+" + digits;
}

bool is_ed25519_public_key(std::string_view s) {
  // Strict standard base64 (one accepted encoding per key) of exactly 32 bytes.
  auto raw = crypto::base64_decode(s);
  return raw && raw->size() == crypto::kEd25519PublicKeyBytes;
}

bool is_badge_number(std::string_view s) {
  if (s.empty() || s.size() > 32 || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

bool is_iata_airport(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<RegisterDelegation> parse_register_delegation(const json& body) {
  json_input::Reader r(body);
  r.refuse_unknown({"visit_id", "country", "side", "name"});
  RegisterDelegation c;
  auto visit = r.uuid("visit_id");
  auto code = country(r, Need::required);
  auto s = side(r, Need::required);
  auto name = r.localized("name");
  if (auto done = r.finish(); !done) return fail(done.error());
  c.visit_id = *visit;
  c.country = *code;
  c.side = *s;
  c.name = *name;
  return c;
}

Result<UpdateDelegation> parse_update_delegation(std::string id, const json& body) {
  json_input::Reader r(body);
  if (r.has("visit_id")) r.add_error("visit_id", "cannot be changed: register a delegation for the other visit");
  r.refuse_unknown({"visit_id", "country", "side", "name", "head_member_id"});
  UpdateDelegation c;
  c.id = std::move(id);
  c.country = country(r, Need::optional);
  c.side = side(r, Need::optional);
  c.name = r.localized("name", Need::optional);
  if (is_null_field(r, "head_member_id"))
    c.head_member_id.set(std::nullopt);
  else if (auto head = r.uuid("head_member_id", Need::optional))
    c.head_member_id.set(*head);
  if (r.ok() && !c.country && !c.side && !c.name && !c.head_member_id.present)
    r.add_error("", "names no field to change (country, side, name, head_member_id)");
  if (auto done = r.finish(); !done) return fail(done.error());
  return c;
}

Result<AddMember> parse_add_member(std::string delegation_id, const json& body) {
  json_input::Reader r(body);
  Extra extra;
  r.refuse_unknown({"full_name", "position", "rank", "languages", "time_zone", "contact", "notifications", "public_key",
                    "is_head", "precedence_order"});
  AddMember c;
  c.delegation_id = std::move(delegation_id);
  auto full_name = r.localized("full_name");
  auto position = r.localized("position");
  auto rk = rank(r, Need::required);
  auto langs = languages(r, Need::required, extra);
  auto zone = r.time_zone("time_zone");
  c.contact = contact(r, Need::optional);
  if (auto n = notifications(r, Need::optional, extra)) c.notifications = *n;
  c.public_key = public_key(r);
  c.is_head = r.boolean("is_head").value_or(false);
  c.precedence_order = precedence_order(r);
  if (auto done = finish(r, extra); !done) return fail(done.error());
  c.full_name = *full_name;
  c.position = *position;
  c.rank = *rk;
  c.languages = *langs;
  c.time_zone = *zone;
  return c;
}

Result<UpdateMember> parse_update_member(std::string id, const json& body) {
  json_input::Reader r(body);
  Extra extra;
  r.refuse_unknown({"full_name", "position", "rank", "languages", "time_zone", "contact", "notifications", "public_key",
                    "is_head", "precedence_order"});
  UpdateMember c;
  c.id = std::move(id);
  if (body.is_object())
    for (const auto& [key, value] : body.items()) c.fields.push_back(key);
  c.full_name = r.localized("full_name", Need::optional);
  c.position = r.localized("position", Need::optional);
  c.rank = rank(r, Need::optional);
  c.languages = languages(r, Need::optional, extra);
  c.time_zone = r.time_zone("time_zone", Need::optional);
  if (is_null_field(r, "contact"))
    c.contact.set(std::nullopt);
  else if (auto ct = contact(r, Need::optional))
    c.contact.set(*ct);
  c.notifications = notifications(r, Need::optional, extra);
  if (is_null_field(r, "public_key"))
    c.public_key.set(std::nullopt);
  else if (auto key = public_key(r))
    c.public_key.set(*key);
  c.is_head = r.boolean("is_head");
  if (is_null_field(r, "precedence_order"))
    c.precedence_order.set(std::nullopt);
  else if (auto order = precedence_order(r))
    c.precedence_order.set(*order);
  // Nulls for fields that cannot be cleared are refused rather than ignored.
  for (auto field : {"full_name", "position", "rank", "languages", "time_zone", "notifications", "is_head"})
    if (is_null_field(r, field)) r.add_error(field, "cannot be cleared");
  if (r.ok() && extra.empty() && c.fields.empty()) r.add_error("", "names no field to change");
  if (auto done = finish(r, extra); !done) return fail(done.error());
  return c;
}

Result<WithdrawMember> parse_withdraw(std::string id, const json& body) {
  json_input::Reader r(body);
  r.refuse_unknown({"reason"});
  WithdrawMember c;
  c.id = std::move(id);
  c.reason = r.string("reason", Need::optional, 500);
  if (auto done = r.finish(); !done) return fail(done.error());
  return c;
}

Result<AccreditationAction> parse_accreditation(std::string member_id, const json& body) {
  json_input::Reader r(body);
  r.refuse_unknown({"action", "badge_number", "reason"});
  AccreditationAction c;
  c.member_id = std::move(member_id);
  auto action = r.one_of("action", {"request", "approve", "reject", "revoke"});
  c.reason = r.string("reason", Need::optional, 500);
  if (auto badge = r.string("badge_number", Need::optional, 32)) {
    if (is_badge_number(*badge))
      c.badge_number = *badge;
    else
      r.add_error("badge_number", "must be 1 to 32 letters, digits or hyphens, e.g. KG-0042");
  }
  if (action) {
    if (*action == "approve" && !r.has("badge_number")) r.add_error("badge_number", "is required to approve");
    if (*action != "approve" && r.has("badge_number")) r.add_error("badge_number", "is given only when approving");
    if ((*action == "reject" || *action == "revoke") && !c.reason) r.add_error("reason", "is required to " + *action);
  }
  if (auto done = r.finish(); !done) return fail(done.error());
  c.action = *action;
  return c;
}

Result<SetTravel> parse_travel(std::string member_id, const json& body) {
  json_input::Reader r(body);
  Extra extra;
  r.refuse_unknown({"arrival", "departure", "hotel"});
  SetTravel c;
  c.member_id = std::move(member_id);
  c.travel.arrival = leg(r, "arrival");
  c.travel.departure = leg(r, "departure");
  if (auto h = r.object("hotel", Need::optional)) {
    h->refuse_unknown({"name", "address", "check_in", "check_out"});
    auto name = h->string("name", Need::required, 200);
    auto address = h->string("address", Need::optional, 500);
    auto in = h->date("check_in", Need::optional);
    auto out = h->date("check_out", Need::optional);
    if (in && out && *out < *in) h->add_error("check_out", "must not be before check_in");
    if (name) c.travel.hotel = Hotel{*name, address, in, out};
  }
  if (c.travel.arrival && c.travel.departure && c.travel.departure->time < c.travel.arrival->time)
    extra.push_back({"/departure/time", "must not be before the arrival"});
  if (auto done = finish(r, extra); !done) return fail(done.error());
  return c;
}

}  // namespace concord::delegations
