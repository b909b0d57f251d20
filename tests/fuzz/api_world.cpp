#include "api_world.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "concord/cache/memory_cache.hpp"
#include "concord/core/config.hpp"
#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "concord/core/time.hpp"
#include "concord/delegations/service.hpp"
#include "concord/documents/service.hpp"
#include "concord/events/file_log.hpp"
#include "concord/notifications/service.hpp"
#include "concord/scheduling/service.hpp"
#include "concord/service/host.hpp"
#include "pipeline.hpp"

namespace concord::fuzzing {
namespace {

using json = nlohmann::json;

Result<auth::Principal> token_principal(std::optional<std::string_view> header, const std::string& member,
                                        const std::string& delegation) {
  if (!header) return fail(Error::unauthorized("a bearer token is required"));
  std::string_view h = *header;
  if (!h.starts_with("Bearer ")) return fail(Error::unauthorized("not a bearer token"));
  h.remove_prefix(7);
  using auth::Role;
  if (h == "officer") return auth::Principal{"officer-1", {Role::protocol_officer}, {}, {}, {}};
  if (h == "admin") return auth::Principal{"admin-1", {Role::admin}, {}, {}, {}};
  if (h == "integrator") return auth::Principal{"erp", {Role::integrator}, {}, {}, {}};
  if (h == "member") return auth::Principal{"member-1", {Role::delegation_member}, member, delegation, {}};
  if (h == "stranger")
    return auth::Principal{"stranger-1",
                           {Role::delegation_member},
                           "01900000-0000-7000-8000-00000000ffff",
                           "01900000-0000-7000-8000-00000000fffe",
                           {}};
  return fail(Error::unauthorized("the token is not valid"));
}

std::filesystem::path scratch_directory() {
  // tmpfs when there is one: the file log fsyncs every append.
  std::filesystem::path base =
      std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::random_device rd;
  auto dir = base / ("concord-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

// Scheduling and documents follow the other services' topics on threads of their own.
class LockedIds final : public IdGenerator {
 public:
  std::string next() override {
    std::lock_guard lock(mutex_);
    return ids_.next();
  }

 private:
  std::mutex mutex_;
  SequentialIdGenerator ids_;
};

}  // namespace

struct World::Impl {
  std::filesystem::path dir = scratch_directory();
  ManualClock clock{*parse_rfc3339("2025-09-20T09:00:00Z")};
  LockedIds ids;
  Env env = Env::from_map({{"CONCORD_WEBHOOK_KEY", "fuzzing-webhook-key-fuzzing-webhook-key-0123"},
                           {"CONCORD_WEBHOOK_ALLOW_PRIVATE", "true"}});
  std::unique_ptr<cache::Cache> cache = cache::make_memory_cache(clock);
  std::shared_ptr<events::EventLog> log;
  std::vector<std::unique_ptr<service::ServiceContext>> contexts;
  std::vector<std::unique_ptr<service::Service>> services;
  std::unique_ptr<http::Pipeline> pipeline;
  std::map<std::string, std::string, std::greater<>> names;  // "{visit}" → id; longest first

  ~Impl() {
    pipeline.reset();
    services.clear();
    contexts.clear();
    log.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World& World::get() {
  // Never destroyed: libFuzzer exits from inside a run. At exit (registered after the build,
  // so it runs before what the build created is torn down) the services' threads stop and the
  // directory goes.
  static World* world = [] {
    auto* w = new World();
    w->build();
    std::atexit([] {
      auto& impl = *World::get().impl_;
      for (auto& s : impl.services) s->stop();
      std::error_code ec;
      std::filesystem::remove_all(impl.dir, ec);
    });
    return w;
  }();
  return *world;
}

World::World() : impl_(std::make_unique<Impl>()) {}
World::~World() = default;

std::string World::substitute(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      bool replaced = false;
      for (const auto& [name, id] : impl_->names)
        if (text.substr(i).starts_with(name)) {
          out += id;
          i += name.size();
          replaced = true;
          break;
        }
      if (replaced) continue;
    }
    out += text[i++];
  }
  return out;
}

void check_response(const http::Request& request, const http::Response& response) {
  auto complain = [&](const char* what) {
    std::fprintf(stderr, "FINDING: %s\n%s %s\n%.2000s\n--> %d\n%.2000s\n", what,
                 std::string(http::to_string(request.method)).c_str(), request.target.c_str(), request.body.c_str(),
                 response.status, response.body.c_str());
    std::abort();
  };
  if (response.status < 200 || response.status >= 500) complain("a status outside 2xx-4xx");
  if (response.status < 400) return;
  if (response.headers.get("Content-Type") != std::string_view(kProblemContentType))
    complain("an error that is not problem+json");
  auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object() || body.value("status", 0) != response.status)
    complain("a problem whose body says another status");
}

http::Response World::handle(http::Request request) {
  auto& pipeline = *impl_->pipeline;
  auto prepared = pipeline.prepare(request);
  http::Response response;
  if (!prepared) {
    response = http::Response::problem(prepared.error(), request.path);
  } else if (request.body.size() > prepared->body_limit) {
    response = http::Response::problem(Error::of(ErrorCode::payload_too_large, "the body is too large"), request.path);
  } else {
    response = pipeline.handle(request, *prepared);
  }
  check_response(request, response);
  // CONCORD_FUZZ_TRACE=1: one line per request, to see how deep the seeds reach.
  static const bool trace = std::getenv("CONCORD_FUZZ_TRACE") != nullptr;
  if (trace)
    std::fprintf(stderr, "%d %s %s\n", response.status, std::string(http::to_string(request.method)).c_str(),
                 request.target.c_str());
  return response;
}

http::Response World::call(http::Method method, std::string target, std::string_view token, std::string body,
                           std::vector<std::pair<std::string, std::string>> headers) {
  http::Request request;
  request.method = method;
  request.target = substitute(target);
  if (!token.empty()) request.headers.add("Authorization", "Bearer " + std::string(token));
  if (!body.empty()) request.headers.add("Content-Type", "application/json");
  for (auto& [k, v] : headers) request.headers.add(k, substitute(v));
  request.body = substitute(body);
  request.remote_address = "127.0.0.1";
  return handle(std::move(request));
}

void World::build() {
  log::set_level(log::Level::error);
  auto& w = *impl_;
  auto opened = events::open_file_log({.directory = w.dir / "log"});
  if (!opened) {
    std::fprintf(stderr, "cannot open the file log: %s\n", opened.error().detail.c_str());
    std::abort();
  }
  w.log = std::move(*opened);
  for (const auto& spec : {scheduling::spec(), delegations::spec(), documents::spec(), notifications::spec()})
    if (!w.log->ensure_topics(spec.topics)) std::abort();

  http::ServerOptions options;
  options.service = "fuzz";
  options.access_log = false;
  http::Router router;
  // Each service replays the others' topics when it recovers: they are added in the order their
  // views need (delegations' members before scheduling's meetings before documents).
  auto add = [&](const char* name, service::ServiceFactory factory) -> service::Service& {
    w.contexts.push_back(std::unique_ptr<service::ServiceContext>(
        new service::ServiceContext{name, w.log, *w.cache, w.clock, w.ids, w.env}));
    w.services.push_back(factory(*w.contexts.back()));
    return *w.services.back();
  };
  auto& delegations = add("delegations", delegations::make_service);
  auto& scheduling = add("scheduling", scheduling::make_service);
  auto& documents = add("documents", documents::make_service);
  auto& notifications = add("notifications", notifications::make_service);
  for (auto& s : w.services) s->mount(router);
  w.pipeline = std::make_unique<http::Pipeline>(options, std::move(router));
  w.pipeline->set_authenticator([&w](std::optional<std::string_view> header) {
    auto member = w.names.contains("{member}") ? w.names["{member}"] : std::string();
    auto delegation = w.names.contains("{delegation}") ? w.names["{delegation}"] : std::string();
    return token_principal(header, member, delegation);
  });
  w.pipeline->set_idempotency_store(w.cache.get(), std::chrono::hours(24));

  auto must = [&](http::Response r, const char* what) {
    if (r.status >= 300) {
      std::fprintf(stderr, "fuzz world: %s → %d %s\n", what, r.status, r.body.c_str());
      std::abort();
    }
    return json::parse(r.body, nullptr, false);
  };
  auto remember = [&](const char* name, const json& body) { w.names[name] = body.value("id", ""); };
  auto post = [&](std::string target, const json& body) {
    return call(http::Method::post, std::move(target), "officer", body.dump());
  };
  auto recover = [&](service::Service& s) {
    if (!s.recover()) std::abort();
  };

  // Scheduling and documents follow delegations' (and scheduling's) topic as the services do in
  // production; notifications is not started (no processor, no webhook deliveries).
  recover(scheduling);
  scheduling.start();
  remember("{venue}", must(post("/v1/venues", {{"name", "Palace"},
                                               {"city", "Minsk"},
                                               {"time_zone", "Europe/Minsk"},
                                               {"capacity", 300},
                                               {"buffer_minutes", 15}}),
                           "venue"));
  remember("{visit}", must(post("/v1/visits", {{"title", {{"en", "Official visit"}}},
                                               {"kind", "official_visit"},
                                               {"host_country", "BY"},
                                               {"guest_country", "KG"},
                                               {"starts_on", "2025-09-28"},
                                               {"ends_on", "2025-09-29"},
                                               {"time_zone", "Europe/Minsk"}}),
                           "visit"));

  recover(delegations);
  remember("{delegation}", must(post("/v1/delegations", {{"visit_id", "{visit}"},
                                                         {"country", "BY"},
                                                         {"side", "host"},
                                                         {"name", {{"ru", "Делегация Беларуси"}, {"en", "Belarus"}}}}),
                                "delegation"));
  remember("{delegation2}",
           must(post("/v1/delegations",
                     {{"visit_id", "{visit}"}, {"country", "KG"}, {"side", "guest"}, {"name", {{"en", "Kyrgyzstan"}}}}),
                "second delegation"));
  auto member = [](const char* name, const char* rank, bool head) {
    return json{{"full_name", {{"en", name}}},
                {"position", {{"en", "Position"}}},
                {"rank", rank},
                {"languages", {"ru", "en"}},
                {"time_zone", "Europe/Minsk"},
                {"is_head", head},
                {"contact", {{"email", "someone@gov.example.org"}, {"phone", "+375290000001"}}}};
  };
  remember(
      "{member}",
      must(post("/v1/delegations/{delegation}/members", member("Host Head", "head_of_government", true)), "member"));
  remember("{member2}",
           must(post("/v1/delegations/{delegation2}/members", member("Guest Head", "head_of_government", true)),
                "second member"));

  // Scheduling learns of the members from delegations' topic: retried until it has.
  json meeting = {
      {"title", {{"en", "Talks"}}},         {"kind", "expanded_format"}, {"start", "2025-09-28T10:00:00+03:00"},
      {"end", "2025-09-28T11:00:00+03:00"}, {"venue_id", "{venue}"},     {"participants", {"{member}", "{member2}"}}};
  for (int attempt = 0;; ++attempt) {
    auto r = post("/v1/visits/{visit}/meetings", meeting);
    if (r.status == 201 || attempt == 200) {
      remember("{meeting}", must(std::move(r), "meeting"));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }

  recover(documents);
  documents.start();
  remember("{document}",
           must(post("/v1/documents", {{"title", {{"en", "Memorandum"}}},
                                       {"kind", "memorandum"},
                                       {"visit_id", "{visit}"},
                                       {"parties", {"{delegation}", "{delegation2}"}},
                                       {"signatories",
                                        {{{"delegation_id", "{delegation}"}, {"member_id", "{member}"}},
                                         {{"delegation_id", "{delegation2}"}, {"member_id", "{member2}"}}}},
                                       {"languages", {"ru"}}}),
                "document"));
  must(post("/v1/documents/{document}/versions", {{"language", "ru"}, {"content", "Статья 1."}}), "version");

  recover(notifications);
  remember("{webhook}",
           must(call(http::Method::post, "/v1/webhooks", "integrator",
                     json{{"url", "http://127.0.0.1:9/hook"}, {"event_types", {"concord.scheduling.*"}}}.dump()),
                "webhook"));
}

}  // namespace concord::fuzzing
