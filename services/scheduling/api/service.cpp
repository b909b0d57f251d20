#include <charconv>

#include "concord/core/log.hpp"
#include "concord/scheduling/service.hpp"
#include "concord/service/replica.hpp"
#include "scheduling/api/scheduling_service.hpp"
#include "scheduling/domain/evolve.hpp"
#include "scheduling/domain/snapshot.hpp"

namespace concord::scheduling {

namespace {

// "09:00-19:00" → minutes since midnight; a bad value stops the service with the variable named.
WorkingHours working_hours(const Env& env) {
  auto text = env.string("CONCORD_WORKING_HOURS", "09:00-19:00");
  auto minutes = [&](std::string_view hhmm) -> int {
    int h = -1, m = -1;
    if (hhmm.size() != 5 || hhmm[2] != ':') return -1;
    std::from_chars(hhmm.data(), hhmm.data() + 2, h);
    std::from_chars(hhmm.data() + 3, hhmm.data() + 5, m);
    if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
  };
  auto dash = text.find('-');
  int from = dash == std::string::npos ? -1 : minutes(std::string_view(text).substr(0, dash));
  int to = dash == std::string::npos ? -1 : minutes(std::string_view(text).substr(dash + 1));
  if (from < 0 || to < 0 || from >= to)
    throw ConfigError("CONCORD_WORKING_HOURS: expected HH:MM-HH:MM with the start before the end, got '" + text + "'");
  return {std::chrono::minutes(from), std::chrono::minutes(to)};
}

}  // namespace

service::ServiceSpec spec() {
  return {std::string(contract::kService),
          "127.0.0.1:8081",
          "CONCORD_SCHEDULING_ADDR",
          {{std::string(contract::kTopic)}, {std::string(contract::kPrivateTopic)}},
          make_service,
          // A calendar feed's address is a secret: never put in a retry's answer.
          {{"venue", "/v1/venues/"}, {"visit", "/v1/visits/"}, {"meeting", "/v1/meetings/"}}};
}

std::unique_ptr<service::Service> make_service(service::ServiceContext& context) {
  return std::make_unique<SchedulingService>(context);
}

SchedulingService::SchedulingService(service::ServiceContext& context)
    : context_(context),
      store_(context.log, [](State& s, const std::string& topic,
                             const events::Event& e) { evolve(s, topic, e.type, e.data, e.time); }),
      events_(context.name, context.clock, context.ids),
      delegations_(context.log, store_) {
  rules_.narrow_format_max_per_side =
      static_cast<int>(context.env.integer("CONCORD_NARROW_FORMAT_MAX_PER_SIDE", 4, 1, 100));
  hours_ = working_hours(context.env);
  store_.use_snapshots(context.name, {kStateVersion, encode_state, decode_state}, context.snapshots);
  // A standby follows its own topics into the store (the replica set of DESIGN §7).
  if (context.replica) context.replica->track(store_);
}

SchedulingService::~SchedulingService() {
  stop();
}

Status SchedulingService::recover() {
  // Members first, so the programme's precedence is right from the first request.
  auto topics = DelegationsFollower::topics();
  topics.insert(topics.end(), {std::string(kTopic), std::string(kPrivateTopic)});
  return store_.replay(topics);
}

void SchedulingService::start() {
  delegations_.start();
}

void SchedulingService::stop() {
  delegations_.stop();
}

Context SchedulingService::context_for(const http::Request& request) const {
  Context c;
  c.now = context_.clock.now();
  c.ids = &context_.ids;
  c.rules = rules_;
  if (request.principal) {
    const auto& p = *request.principal;
    c.actor = service::api::actor_from<Actor>(p);
    c.actor.country = service::api::officer_country(p);
    // A delegation officer reads the programme as an integrator does and changes nothing in it.
    if (c.actor.country) c.actor.integrator = true;
    if (p.has(auth::Role::delegation_member)) c.actor.delegation_id = p.delegation_id;
  }
  return c;
}

void SchedulingService::mount(http::Router& outer) {
  http::Router router;
  auto bind = [this](Response (SchedulingService::*f)(http::Request&)) {
    return [this, f](http::Request& r) { return (this->*f)(r); };
  };
  router.post("/v1/venues", bind(&SchedulingService::create_venue));
  router.get("/v1/venues", bind(&SchedulingService::list_venues));
  router.get("/v1/venues/{id}", bind(&SchedulingService::get_venue));
  router.patch("/v1/venues/{id}", bind(&SchedulingService::update_venue));
  router.post("/v1/visits", bind(&SchedulingService::create_visit));
  router.get("/v1/visits", bind(&SchedulingService::list_visits));
  router.get("/v1/visits/{id}", bind(&SchedulingService::get_visit));
  router.patch("/v1/visits/{id}", bind(&SchedulingService::update_visit));
  router.post("/v1/visits/{id}/meetings", bind(&SchedulingService::create_meeting));
  router.get("/v1/visits/{id}/meetings", bind(&SchedulingService::list_meetings));
  router.get("/v1/meetings/{id}", bind(&SchedulingService::get_meeting));
  router.patch("/v1/meetings/{id}", bind(&SchedulingService::update_meeting));
  router.post("/v1/meetings/{id}/cancel", bind(&SchedulingService::cancel_meeting));
  router.get("/v1/visits/{id}/programme", [this](http::Request& r) { return programme(r, false); });
  router.get("/v1/visits/{id}/programme.ics", [this](http::Request& r) { return programme(r, true); });
  router.get("/v1/visits/{id}/free-slots", bind(&SchedulingService::free_slots_of));
  // The answer to a feed's creation holds its secret: never replayed from the Idempotency-Key
  // records (they live in the shared cache), so the route ignores the header.
  router.post("/v1/visits/{id}/calendar-feeds", bind(&SchedulingService::create_feed), {.idempotent = false});
  router.get("/v1/visits/{id}/calendar-feeds", bind(&SchedulingService::list_feeds));
  router.del("/v1/calendar-feeds/{id}", bind(&SchedulingService::revoke_feed));
  // The address a calendar application subscribes to: no Authorization header, the secret is
  // the credential (redacted from logs by libs/http).
  router.get("/v1/calendar-feeds/{secret}/programme.ics", bind(&SchedulingService::feed_calendar),
             {.public_route = true});
  // A member is the one linked to the caller's identity, in the delegation the state says.
  service::api::mount_resolving(outer, router, [this](http::Request& request) {
    return store_.read([&](const State& s) {
      return service::api::resolve_caller(request, s.identities,
                                          [&](const std::string& id) -> std::optional<std::string> {
                                            const Member* m = s.member(id);
                                            if (!m) return std::nullopt;
                                            return m->delegation_id;
                                          });
    });
  });
}

}  // namespace concord::scheduling
