#include "concord/core/json_input.hpp"
#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"

namespace concord::notifications::api {

namespace svc = concord::service::api;

namespace {

std::optional<int> minute_of(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

bool is_null(const nlohmann::json& body, const char* field) {
  return body.contains(field) && body[field].is_null();
}

// The whole preferences document (PUT replaces it); null or absent leaves a setting to the
// member's own data from the delegations service.
Result<Preferences> parse(const nlohmann::json& body, const Catalogues& messages) {
  json_input::Reader r(body);
  r.refuse_unknown({"language", "time_zone", "channels", "quiet_hours", "email_digest"});
  Preferences p;
  if (!is_null(body, "language")) {
    if (auto lang = r.string("language", json_input::Need::optional, 35)) {
      if (!json_input::is_bcp47(*lang)) {
        r.add_error("language", "must be a BCP 47 language tag such as \"ru\"");
      } else if (!messages.has(*lang) && !messages.has(lang->substr(0, lang->find('-')))) {
        std::string available;
        for (const auto& l : messages.languages()) available += (available.empty() ? "" : ", ") + l;
        r.add_error("language", "there are no messages in '" + *lang + "' yet; available: " + available);
      } else {
        p.language = *lang;
      }
    }
  }
  if (!is_null(body, "time_zone")) {
    if (auto zone = r.time_zone("time_zone", json_input::Need::optional)) p.time_zone = *zone;
  }
  if (!is_null(body, "channels")) {
    if (auto channels = r.string_list("channels", json_input::Need::optional, 10, 20)) {
      for (const auto& c : *channels) {
        if (std::find(kChannels.begin(), kChannels.end(), c) == kChannels.end())
          r.add_error("channels", "'" + c + "' is not a channel; the channels are inbox, stream and email");
      }
      p.channels = *channels;
    }
  }
  if (!is_null(body, "quiet_hours")) {
    if (auto q = r.object("quiet_hours", json_input::Need::optional)) {
      q->refuse_unknown({"start", "end"});
      auto start = q->string("start", json_input::Need::required, 5);
      auto end = q->string("end", json_input::Need::required, 5);
      std::optional<int> s, e;
      if (start && !(s = minute_of(*start))) q->add_error("start", "must be a local time HH:MM, e.g. \"22:00\"");
      if (end && !(e = minute_of(*end))) q->add_error("end", "must be a local time HH:MM, e.g. \"07:00\"");
      if (s && e && *s == *e) q->add_error("end", "must differ from start");
      if (s && e) p.quiet_hours = QuietHours{*s, *e};
    }
  }
  if (!is_null(body, "email_digest")) {
    if (auto d = r.object("email_digest", json_input::Need::optional)) {
      d->refuse_unknown({"time"});
      if (auto time = d->string("time", json_input::Need::required, 5)) {
        if (auto m = minute_of(*time))
          p.digest_minute = *m;
        else
          d->add_error("time", "must be a local time HH:MM, e.g. \"18:00\"");
      }
    }
  }
  if (auto s = r.finish(); !s) return fail(s.error());
  return p;
}

}  // namespace

void mount_preferences(http::Router& router, Shared& shared) {
  router.get("/v1/preferences", [&shared](http::Request& req) -> Result<http::Response> {
    auto member = req.query_param("member_id");
    auto owner = inbox_owner(actor_of(req), member);
    if (!owner) return fail(owner.error());
    Preferences p = shared.store.read([&](const State& state) {
      auto it = state.inbox.preferences.find(*owner);
      return it == state.inbox.preferences.end() ? Preferences{} : it->second;
    });
    auto body = to_json(p);
    body["member_id"] = *owner;
    return svc::json(200, body, p.version);
  });

  router.put("/v1/preferences", [&shared](http::Request& req) -> Result<http::Response> {
    Actor actor = actor_of(req);
    if (!actor.member_id) return fail(Error::forbidden("only a delegation member sets their own preferences"));
    auto body = svc::body_object(req);
    if (!body) return fail(body.error());
    auto wanted = parse(*body, shared.messages);
    if (!wanted) return fail(wanted.error());
    Preferences decided;
    auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
      long long current = 0;
      if (auto it = state.inbox.preferences.find(*actor.member_id); it != state.inbox.preferences.end())
        current = it->second.version;
      if (auto ok = svc::check_if_match(req, current, false); !ok) return fail(ok.error());
      auto d = decide_preferences(state.inbox, actor, *wanted, std::nullopt);
      if (!d) return fail(d.error());
      decided = *d;
      auto event = shared.events.make(kPreferencesSet, "preferences/" + *actor.member_id, decided.version,
                                      preferences_set_data(*actor.member_id, decided), svc::cause_of(req));
      return std::vector<service::Append>{{kTopic, *actor.member_id, {event}}};
    });
    if (!written) return fail(written.error());
    auto out = to_json(decided);
    out["member_id"] = *actor.member_id;
    return svc::json(200, out, decided.version);
  });
}

}  // namespace concord::notifications::api
