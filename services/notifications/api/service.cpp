#include "concord/notifications/service.hpp"
#include "notifications/api/notifications_service.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "concord/core/log.hpp"
#include "concord/crypto/crypto.hpp"
#include "notifications/api/routes.hpp"
#include "notifications/domain/embedded_messages.hpp"
#include "notifications/domain/snapshot.hpp"
#include "notifications/runtime/webhook_signing.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace concord::notifications {

namespace {

// The built-in catalogues, plus (overriding them) every <lang>.json of
// CONCORD_NOTIFICATIONS_MESSAGES_DIR when it is set: a language is added without a rebuild.
Catalogues load_catalogues(const Env& env) {
  auto files = embedded_message_files();
  if (auto dir = env.get("CONCORD_NOTIFICATIONS_MESSAGES_DIR")) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(*dir, ec)) {
      if (entry.path().extension() != ".json") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      files[entry.path().stem().string()] = text.str();
    }
    if (ec) throw ConfigError("CONCORD_NOTIFICATIONS_MESSAGES_DIR: cannot read " + *dir + ": " + ec.message());
  }
  // Those who read none of the catalogued languages: English by default; Russian where it is
  // the common language of the parties.
  auto catalogues = Catalogues::load(files, env.string("CONCORD_NOTIFICATIONS_FALLBACK_LANGUAGE", "en"));
  if (!catalogues) throw ConfigError("notification message catalogues: " + catalogues.error().detail);
  return std::move(*catalogues);
}

// The key every subscription's secret is derived from: CONCORD_WEBHOOK_KEY (at least 32
// characters; the same on every replica), else one generated once into
// $CONCORD_DATA_DIR/webhook-key, as the development JWT secret is.
std::string webhook_key(const Env& env) {
  if (auto key = env.get("CONCORD_WEBHOOK_KEY")) {
    if (key->size() < 32) throw ConfigError("CONCORD_WEBHOOK_KEY: expected at least 32 characters");
    return *key;
  }
  std::filesystem::path path = std::filesystem::path(env.string("CONCORD_DATA_DIR", "./concord-data")) / "webhook-key";
  if (std::ifstream in(path); in) {
    std::string key;
    std::getline(in, key);
    if (key.size() >= 32) return key;
  }
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::string raw;
  try {
    raw = crypto::random_bytes(32);
  } catch (const std::runtime_error&) {
    throw ConfigError("CONCORD_WEBHOOK_KEY is unset and no random key could be made");
  }
  std::string key = crypto::base64_encode(raw);
  {
    std::ofstream out(path, std::ios::trunc);
    out << key << "\n";
    if (!out) throw ConfigError("CONCORD_WEBHOOK_KEY is unset and " + path.string() + " cannot be written");
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  return key;
}

// CONCORD_SMTP_URL: smtp://host[:port] (STARTTLS required) or smtps://host[:port] (implicit
// TLS), user:password in it or in CONCORD_SMTP_USER/CONCORD_SMTP_PASSWORD. Unset: no e-mail.
void email_settings(const Env& env, Settings::Email& e) {
  auto url = env.get("CONCORD_SMTP_URL");
  if (!url || url->empty()) return;
  auto parsed = boost::urls::parse_uri(*url);
  if (!parsed || (parsed->scheme() != "smtp" && parsed->scheme() != "smtps") || parsed->host().empty())
    throw ConfigError("CONCORD_SMTP_URL: expected smtp://host[:port] or smtps://host[:port]");
  e.enabled = true;
  e.url = *url;
  if (parsed->has_userinfo()) {
    e.user = parsed->user();
    e.password = parsed->password();
    boost::urls::url stripped(*parsed);
    stripped.remove_userinfo();
    e.url = std::string(stripped.buffer());
  }
  if (auto user = env.get("CONCORD_SMTP_USER")) e.user = *user;
  if (auto password = env.get("CONCORD_SMTP_PASSWORD")) e.password = *password;
  e.from = env.string("CONCORD_SMTP_FROM", "");
  auto at = e.from.find('@');
  if (e.from.empty() || at == std::string::npos || at == 0 || at + 1 == e.from.size() ||
      e.from.find_first_of(" <>\r\n,;") != std::string::npos)
    throw ConfigError(
        "CONCORD_SMTP_FROM: the sender's address (such as concord@example.org) is required with CONCORD_SMTP_URL");
  e.domain = e.from.substr(at + 1);
  e.ca_file = env.string("CONCORD_SMTP_CA_FILE", "");
  if (!e.ca_file.empty() && !std::filesystem::exists(e.ca_file))
    throw ConfigError("CONCORD_SMTP_CA_FILE: no file " + e.ca_file);
  e.retry_schedule = env.durations("CONCORD_SMTP_RETRY_SCHEDULE", e.retry_schedule);
  e.timeout = env.duration("CONCORD_SMTP_TIMEOUT", e.timeout);
}

Settings settings_of(const Env& env) {
  Settings s;
  auto text = env.string("CONCORD_REMINDER_OFFSETS", "24h,1h");
  auto offsets = parse_offsets(text);
  if (!offsets)
    throw ConfigError("CONCORD_REMINDER_OFFSETS: expected durations such as \"24h,1h\" or \"90m\", got \"" + text +
                      "\"");
  s.reminder_offsets = *offsets;
  // Records routed and committed per step (one commit_with each).
  s.batch = static_cast<size_t>(env.integer("CONCORD_NOTIFICATIONS_BATCH", 1000, 1, 100000));
  s.provisional_max_age = env.duration("CONCORD_NOTIFICATIONS_PROVISIONAL_AGE", s.provisional_max_age);
  s.read_mark_wait = env.duration("CONCORD_NOTIFICATIONS_READ_MARK_WAIT", s.read_mark_wait);
  s.retry_schedule = env.durations("CONCORD_WEBHOOK_RETRY_SCHEDULE", s.retry_schedule);
  s.allow_private_targets = env.boolean("CONCORD_WEBHOOK_ALLOW_PRIVATE", false);
  s.webhook_ca_file = env.string("CONCORD_WEBHOOK_CA_FILE", "");
  s.delivery_timeout = env.duration("CONCORD_WEBHOOK_TIMEOUT", s.delivery_timeout);
  s.webhook_key = webhook_key(env);
  email_settings(env, s.email);
  return s;
}

}  // namespace

NotificationsService::NotificationsService(service::ServiceContext& context, Catalogues messages, Settings settings)
    : shared_(context.log, context.cache, context.clock, context.ids, std::move(messages), std::move(settings)),
      live_(shared_) {
  shared_.live = &live_;
  shared_.store.use_snapshots(context.name, {kStateVersion, encode_state, decode_state}, context.snapshots);
  // One writer takes the handlers' requests (preferences, read marks, webhooks), as in every
  // service: the others forward them. Yet every replica appends to our own topic (its consumer
  // groups' steps, fenced by their group generations), so each follows every topic it folds
  // itself, writer or not (start()), and tells the replica how far it has read: that is what a
  // standby's Concord-Min-Position waits for, and what a replica elected writer waits to reach
  // the end of the log with before it decides anything.
  replica_ = context.replica;
  if (replica_) replica_->track(shared_.store, service::Replica::OwnTopics::followed_by_service);
}

NotificationsService::~NotificationsService() {
  NotificationsService::stop();
}

void NotificationsService::mount(http::Router& outer) {
  http::Router router;
  api::mount_stream_tickets(router, shared_);
  api::mount_inbox(router, shared_, live_);
  api::mount_preferences(router, shared_);
  api::mount_webhooks(router, shared_);
  api::mount_email(router, shared_);
  // A member is the one linked to the caller's identity, in the delegation the state says
  // (a stream ticket keeps the principal resolved when it was issued).
  service::api::mount_resolving(outer, router, [this](http::Request& request) {
    return shared_.store.read([&](const State& state) {
      const auto& views = state.views;
      return service::api::resolve_caller(request, views.identities,
                                          [&](const std::string& id) -> std::optional<std::string> {
                                            auto m = views.members.find(id);
                                            if (m == views.members.end()) return std::nullopt;
                                            return m->second.delegation_id;
                                          });
    });
  });
}

Status NotificationsService::recover() {
  // The directory first (the views of the people everything else is about), our own topic last.
  std::vector<std::string> folded = kConsumedTopics;
  folded.push_back(kPrivateTopic);
  folded.push_back(kTopic);
  if (auto s = shared_.store.replay(folded); !s) return s;
  auto recovery = shared_.store.recovery();
  shared_.store.read([&](const State& state) {
    log::info("notifications state rebuilt", {{"notifications", state.inbox.notifications.size()},
                                              {"members", state.views.members.size()},
                                              {"meetings", state.views.meetings.size()},
                                              {"from_snapshot", recovery.from_snapshot},
                                              {"replayed_events", recovery.replayed_events}});
  });
  return {};
}

void NotificationsService::start() {
  start_stepped();
  processor_->start();
  deliverer_->start();
  if (mailer_) mailer_->start();
}

void NotificationsService::start_stepped() {
  live_.subscribe();
  // Replicas share the consumed topics' partitions, so each follows all of them (and our own
  // topic) from where its replay ended: its views stay whole for routing, and its inbox, e-mail
  // and webhook state take in what the other replicas append, within the follower's poll.
  // What this replica appended itself it has applied already (Shared::take_own). The live
  // stream needs nothing here: the producing replica publishes each notification to all.
  // The dead-letter topic folds to nothing; it is followed (from its beginning: it is not
  // replayed) so that the replica knows how far this one has read every topic it writes.
  std::vector<std::string> followed = kConsumedTopics;
  followed.push_back(kPrivateTopic);
  followed.push_back(kTopic);
  followed.push_back(kDeadLetterTopic);
  follower_ = std::make_unique<service::Follower>("the notifications topics", shared_.log, followed);
  follower_->start(shared_.store.replayed(), [this](const events::Record& r) {
    if (r.topic == kTopic) {
      // As a record, so the store remembers the Idempotency-Keys of the writer's requests: a
      // replica elected after the writer died answers their retries from its state.
      if (!shared_.take_own(r.event.id)) shared_.store.apply(r);
      forget_provisional(shared_, r.event);
    } else if (r.topic != kDeadLetterTopic) {
      // What a source event causes is shown here before its owner records it (provisional.hpp),
      // routed on the views before it, as the owner routes it, and shown once it is folded. Not
      // the roster's own events: the owner folds a batch's roster records before it routes any,
      // so it judges an accreditation change on the withdrawal that the same command made next,
      // which a replica following the topic has not met yet (it would tell what the owner
      // never records).
      std::vector<Notification> routed;
      if (r.topic != kPrivateTopic && r.topic != delegations::contract::kTopic)
        routed = route_provisionally(shared_, r.event);
      shared_.store.apply(r.topic, r.event);
      show_provisionally(shared_, std::move(routed));
    }
    if (replica_) replica_->followed(r);
  });
  processor_ = std::make_unique<Processor>(shared_);
  deliverer_ = std::make_unique<Deliverer>(shared_);
  const auto& mail = shared_.settings.email;
  if (mail.enabled) {
    log::info("e-mail channel on", {{"smtp", mail.url}, {"from", mail.from}, {"auth", !mail.user.empty()}});
    mailer_ = std::make_unique<Mailer>(shared_);
  } else {
    log::info("e-mail channel off: CONCORD_SMTP_URL is not set (members who chose e-mail get their inbox only)");
  }
}

Result<size_t> NotificationsService::run_once() {
  size_t handled = 0;
  auto processed = processor_->iterate(std::chrono::milliseconds(0), true);
  if (!processed) return processed;
  handled += *processed;
  auto delivered = deliverer_->iterate(std::chrono::milliseconds(0));
  if (!delivered) return delivered;
  handled += *delivered;
  if (mailer_) {
    auto sent = mailer_->send_due();
    if (!sent) return sent;
    handled += *sent;
  }
  return handled;
}

void NotificationsService::stop() {
  if (follower_) follower_->stop();
  if (processor_) processor_->stop();
  if (deliverer_) deliverer_->stop();
  if (mailer_) mailer_->stop();
  mailer_.reset();
  processor_.reset();
  deliverer_.reset();
}

service::ServiceSpec spec() {
  return {std::string(contract::kService),
          "127.0.0.1:8084",
          "CONCORD_NOTIFICATIONS_ADDR",
          {{std::string(contract::kTopic)}, {std::string(contract::kDeadLetterTopic)}},
          make_service,
          {{"webhook", "/v1/webhooks/"}}};
}

std::unique_ptr<service::Service> make_service(service::ServiceContext& context) {
  return std::make_unique<NotificationsService>(context, load_catalogues(context.env), settings_of(context.env));
}

}  // namespace concord::notifications
