#include "concord/service/platform.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "concord/cache/memory_cache.hpp"
#include "concord/cache/redis_cache.hpp"
#include "concord/core/log.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/kafka_log.hpp"
#include "concord/events/snapshot_store.hpp"
#include "concord/http/client.hpp"

namespace concord::service {
namespace {

// The OpenID Connect issuer's discovery document and JWKS, through libs/http's one HTTPS client
// (chain and host name verified, SNI, TLS 1.2+, the system's CAs plus CONCORD_OIDC_CA_FILE).
Result<std::string> https_get(const std::string& url, const std::string& ca_file) {
  http::ClientRequest request;
  request.url = url;
  request.ca_file = ca_file;
  request.timeout = std::chrono::seconds(5);
  request.max_response_body = 1024 * 1024;
  request.headers.set("Accept", "application/json");
  auto response = http::fetch(request);
  if (!response) return fail(response.error());
  if (response->status != 200)
    return fail(Error::unavailable(url + " answered " + std::to_string(response->status) + " instead of 200"));
  return std::move(response->body);
}

}  // namespace

Platform::~Platform() = default;

Result<std::unique_ptr<Platform>> Platform::from_env(const Env& env) {
  std::unique_ptr<Platform> p(new Platform());
  auto level = log::parse_level(env.string("CONCORD_LOG_LEVEL", "info"));
  if (!level)
    throw ConfigError("CONCORD_LOG_LEVEL: expected debug, info, warn or error, got '" +
                      env.string("CONCORD_LOG_LEVEL", "") + "'");
  log::set_level(*level);

  p->data_dir_ = env.string("CONCORD_DATA_DIR", "./concord-data");
  std::error_code ec;
  std::filesystem::create_directories(p->data_dir_, ec);
  if (ec) return fail(Error::internal("CONCORD_DATA_DIR: cannot create '" + p->data_dir_ + "': " + ec.message()));
  p->ids_ = std::make_unique<UuidV7Generator>(p->clock_);

  auto jwt = auth::jwt_config_from_env(env, p->data_dir_);
  if (!jwt) return fail(jwt.error());
  if (jwt->oidc) log::info("tokens: OpenID Connect issuer beside Concord's own", {{"issuer", jwt->oidc->issuer}});
  auto verifier = auth::Verifier::create(*jwt, https_get);
  if (!verifier) return fail(verifier.error());
  p->verifier_.emplace(std::move(*verifier));

  if (auto redis_url = env.get("REDIS_URL")) {
    cache::RedisOptions options{.url = *redis_url};
    options.command_timeout = env.duration("CONCORD_REDIS_TIMEOUT", options.command_timeout);
    auto redis = cache::make_redis_cache(options);
    if (!redis) return fail(redis.error());
    p->cache_ = std::move(*redis);
    auto endpoint = cache::parse_redis_url(*redis_url);
    log::info("cache: redis", {{"host", endpoint ? endpoint->host : "?"}, {"port", endpoint ? endpoint->port : 0}});
  } else {
    p->cache_ = cache::make_memory_cache(p->clock_);
    log::info("cache: in process (REDIS_URL unset)");
  }

  p->kafka_brokers_ = env.string("KAFKA_BROKERS", "");
  p->kafka_partitions_ = static_cast<int>(env.integer("CONCORD_KAFKA_PARTITIONS", 3, 1, 1000));
  p->kafka_replication_ = static_cast<int>(env.integer("CONCORD_KAFKA_REPLICATION_FACTOR", 1, 1, 10));
  p->election_session_timeout_ = env.duration("CONCORD_ELECTION_SESSION_TIMEOUT", p->election_session_timeout_);
  if (p->election_session_timeout_ < std::chrono::milliseconds(1000) ||
      p->election_session_timeout_ > std::chrono::minutes(5))
    throw ConfigError("CONCORD_ELECTION_SESSION_TIMEOUT: expected 1s to 5m");
  // An authenticated cluster (Strimzi's SCRAM-over-TLS listener): each variable maps to the
  // librdkafka property beside it.
  const std::pair<const char*, const char*> kafka_security[] = {{"KAFKA_SECURITY_PROTOCOL", "security.protocol"},
                                                                {"KAFKA_SASL_MECHANISM", "sasl.mechanisms"},
                                                                {"KAFKA_SASL_USERNAME", "sasl.username"},
                                                                {"KAFKA_SASL_PASSWORD", "sasl.password"},
                                                                {"KAFKA_SSL_CA_LOCATION", "ssl.ca.location"}};
  for (const auto& [variable, property] : kafka_security)
    if (auto value = env.get(variable)) p->kafka_client_settings_.emplace_back(property, *value);

  if (env.boolean("CONCORD_SNAPSHOTS", true)) {
    // Snapshots only shorten start-up: without a writable directory for them, warn and go on.
    auto store = events::open_file_snapshots(p->data_dir_ + "/snapshots");
    if (store)
      p->snapshots_.store = std::move(*store);
    else
      log::warn("state snapshots off: every start replays the whole log", {{"error", store.error().detail}});
    p->snapshots_.every_events =
        env.integer("CONCORD_SNAPSHOT_EVERY_EVENTS", p->snapshots_.every_events, 1, 1'000'000'000);
    p->snapshots_.interval = env.duration("CONCORD_SNAPSHOT_INTERVAL", p->snapshots_.interval);
  }
  // Replicas of a service share its consumer groups; each consumes and commits through a
  // transactional producer of its own ("concord-<service>-processor-<instance>.<group>").
  // Kubernetes: the pod name (the host name is the pod name already).
  if (auto id = env.get("CONCORD_INSTANCE_ID"); id && !id->empty()) {
    p->instance_id_ = *id;
    p->instance_id_given_ = true;
  } else {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "%s", "host");
    p->instance_id_ = std::string(host) + "-" + std::to_string(getpid());
  }
  // How soon a dead replica's partitions move to the others (the broker's
  // group.min.session.timeout.ms, 6 s by default, bounds it from below).
  p->kafka_session_timeout_ = env.duration("CONCORD_KAFKA_SESSION_TIMEOUT", p->kafka_session_timeout_);
  p->processor_transaction_timeout_ =
      env.duration("CONCORD_KAFKA_PROCESSOR_TXN_TIMEOUT", p->processor_transaction_timeout_);
  if (env.get("CONCORD_KAFKA_TRANSACTION_GAP"))
    p->kafka_transaction_gap_ = env.duration("CONCORD_KAFKA_TRANSACTION_GAP", std::chrono::milliseconds{0});

  auto& d = p->server_defaults_;
  d.threads = static_cast<int>(env.integer("CONCORD_HTTP_THREADS", d.threads, 1, 256));
  d.blocking_threads = static_cast<int>(env.integer("CONCORD_HTTP_WRITE_THREADS", d.blocking_threads, 1, 1024));
  d.idle_timeout = env.duration("CONCORD_HTTP_IDLE_TIMEOUT", d.idle_timeout);
  d.request_timeout = env.duration("CONCORD_HTTP_REQUEST_TIMEOUT", d.request_timeout);
  d.max_connections = static_cast<size_t>(
      env.integer("CONCORD_HTTP_MAX_CONNECTIONS", static_cast<long long>(d.max_connections), 1, 1'000'000));
  d.shutdown_grace = env.duration("CONCORD_SHUTDOWN_GRACE", d.shutdown_grace);
  d.rate_limit =
      static_cast<size_t>(env.integer("CONCORD_RATE_LIMIT", static_cast<long long>(d.rate_limit), 0, 1'000'000'000));
  d.rate_window = std::chrono::duration_cast<std::chrono::seconds>(
      env.duration("CONCORD_RATE_WINDOW", std::chrono::duration_cast<std::chrono::milliseconds>(d.rate_window)));
  d.access_log = env.boolean("CONCORD_ACCESS_LOG", d.access_log);
  return p;
}

Result<std::shared_ptr<events::EventLog>> Platform::event_log(const std::string& service) {
  std::lock_guard lock(mutex_);
  if (kafka_brokers_.empty()) {
    if (!file_log_) {
      auto log = events::open_file_log(events::FileLogOptions{.directory = data_dir_ + "/log"});
      if (!log) return fail(log.error());
      file_log_ = std::move(*log);
      log::info("event log: files", {{"directory", data_dir_ + "/log"}});
    }
    return file_log_;
  }
  auto& slot = kafka_logs_[service];
  if (!slot) {
    events::KafkaOptions options{.brokers = kafka_brokers_, .transactional_id = "concord-" + service + "-writer"};
    options.client_settings = kafka_client_settings_;
    options.default_partitions = kafka_partitions_;
    options.replication_factor = kafka_replication_;
    options.processor_id = "concord-" + service + "-processor-" + instance_id_;
    options.session_timeout = kafka_session_timeout_;
    options.processor_transaction_timeout = processor_transaction_timeout_;
    if (kafka_transaction_gap_) options.transaction_gap = *kafka_transaction_gap_;
    // Static group membership only under an instance id the deployment keeps across restarts:
    // the restarted process then takes its partitions over at once. Otherwise members leave the
    // group when they stop, and a killed one's partitions move after the session timeout.
    options.static_membership = instance_id_given_;
    // Replicas of a service all open the log; only the elected one takes the writer's role.
    options.writer_on_open = false;
    auto log = events::open_kafka_log(options);
    if (!log) return fail(log.error());
    slot = std::move(*log);
    log::info("event log: kafka", {{"service", service}, {"brokers", kafka_brokers_}});
  }
  return slot;
}

Result<std::unique_ptr<events::WriterElection>> Platform::writer_election(const std::string& service,
                                                                          const std::string& member) {
  if (kafka_brokers_.empty()) return std::unique_ptr<events::WriterElection>();
  events::ElectionOptions options{.brokers = kafka_brokers_,
                                  .client_settings = kafka_client_settings_,
                                  .group = "concord-" + service + "-writer-election",
                                  .topic = leader_topic(service),
                                  .member = "concord-" + service + "-" + member,
                                  .session_timeout = election_session_timeout_};
  return events::join_writer_election(std::move(options));
}

http::ServerOptions Platform::server_options(const std::string& service, const std::string& address) const {
  http::ServerOptions o = server_defaults_;
  o.service = service;
  o.address = address;
  return o;
}

}  // namespace concord::service
