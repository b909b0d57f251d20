#include "notifications/runtime/deliverer.hpp"

#include <set>

#include "concord/core/log.hpp"
#include "concord/crypto/crypto.hpp"
#include "concord/http/client.hpp"
#include "notifications/runtime/webhook_signing.hpp"

namespace concord::notifications {

namespace {

constexpr auto kDeliveredTtl = std::chrono::hours(24 * 7);

std::string delivered_key(const std::string& delivery_id) {
  return "concord:webhook:delivered:" + delivery_id;
}

}  // namespace

Deliverer::Deliverer(Shared& shared) : shared_(shared) {}
Deliverer::~Deliverer() {
  stop();
}

void Deliverer::start() {
  thread_ = std::thread([this] { run(); });
}

void Deliverer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void Deliverer::attempt(Delivery& d, const Webhook& w, Outcome& out) {
  Timestamp now = shared_.clock.now();
  ++d.attempts;
  d.updated_at = now;
  bool delivered = false;
  // Claimed in the cache first: once a delivery has gone through, nobody sends it again (a
  // batch polled again after a crash, another replica). Without the cache: at least once.
  auto claimed = shared_.cache.set_if_absent(delivered_key(d.id), "sending", shared_.settings.delivery_timeout * 3);
  if (claimed && !*claimed) {
    auto v = shared_.cache.get(delivered_key(d.id));
    if (v && *v && **v == "delivered") {
      d.status = "succeeded";
      d.last_error.clear();
      d.next_attempt_at.reset();
      delivered = true;
    }
  }
  if (!delivered) {
    if (auto target = check_webhook_target(w.url, shared_.settings.allow_private_targets); !target) {
      d.last_status_code = 0;
      d.last_error = target.error().errors.empty() ? target.error().detail : target.error().errors[0].message;
    } else {
      long long ts = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
      http::ClientRequest req{
          .method = http::Method::post, .url = w.url, .body = d.payload, .timeout = shared_.settings.delivery_timeout};
      req.ca_file = shared_.settings.webhook_ca_file;
      // The guard again, on the address actually connected to: a name that resolved to a
      // public address when checked may not resolve to a private one now.
      if (!shared_.settings.allow_private_targets) req.allow_address = public_address;
      req.headers.set("Content-Type", std::string(events::kContentType));
      req.headers.set("webhook-id", d.id);
      req.headers.set("webhook-timestamp", std::to_string(ts));
      // During a rotation's grace period both secrets sign (space-separated, as Standard
      // Webhooks allows), so a receiver verifying with either accepts the delivery.
      std::string signatures;
      for (int generation : signing_generations(w, now)) {
        if (!signatures.empty()) signatures += ' ';
        signatures +=
            webhook_signature(webhook_secret(shared_.settings.webhook_key, w.id, generation), d.id, ts, d.payload);
      }
      req.headers.set("webhook-signature", signatures);
      auto res = http::fetch(req);
      if (res && res->status >= 200 && res->status < 300) {
        d.status = "succeeded";
        d.last_status_code = res->status;
        d.last_error.clear();
        d.next_attempt_at.reset();
        delivered = true;
        (void)shared_.cache.set(delivered_key(d.id), "delivered", kDeliveredTtl);
      } else {
        d.last_status_code = res ? res->status : 0;
        d.last_error = res ? "the receiver answered " + std::to_string(res->status) : res.error().detail;
      }
    }
    if (!delivered && claimed && *claimed) (void)shared_.cache.del(delivered_key(d.id));
  }
  service::api::Cause cause{"system", "", d.event_id};
  bool first = d.attempts == 1;
  // A delivery is its own aggregate: its attempts number its events, so the sequence rises per
  // subject as integrators expect (the webhook itself carries its version on its own events).
  auto record = [&](const char* type) {
    auto data = nlohmann::json{{"delivery", to_json(d, first)}};
    out.outputs.push_back(
        {kTopic, w.id, shared_.events.make(type, "webhook_delivery/" + d.id, d.sequence(), data, cause)});
  };
  if (delivered) {
    record(kDeliveryAttempted);
    return;
  }
  if (auto next = next_attempt(d.attempts - d.replayed_after, shared_.settings.retry_schedule, now)) {
    d.status = "pending";
    d.next_attempt_at = *next;
    record(kDeliveryAttempted);
    return;
  }
  d.status = "dead_lettered";
  d.next_attempt_at.reset();
  nlohmann::json letter = {
      {"webhook_id", w.id},
      {"url", w.url},
      {"delivery_id", d.id},
      {"attempts", d.attempts},
      {"last_status_code", d.last_status_code == 0 ? nlohmann::json(nullptr) : nlohmann::json(d.last_status_code)},
      {"last_error", d.last_error},
      {"event", nlohmann::json::parse(d.payload, nullptr, false)}};
  out.outputs.push_back({kDeadLetterTopic, w.id,
                         shared_.events.make(kDeadLettered, "webhook_delivery/" + d.id, d.sequence(), letter, cause)});
  record(kDeadLettered);
  out.failing.push_back({w.id, d.id, d.last_error, d.event_id});
}

std::vector<events::Output> Deliverer::with_failing_marks(const State& state, Outcome& out) {
  std::set<std::string> marked;
  for (const auto& f : out.failing) {
    auto it = state.webhooks.by_id.find(f.webhook_id);
    if (it == state.webhooks.by_id.end() || it->second.status != "active") continue;
    if (!marked.insert(f.webhook_id).second) continue;
    Webhook failing = it->second;
    failing.status = "failing";
    failing.version = it->second.version + 1;
    service::api::Cause cause{"system", "", f.cause_event_id};
    out.outputs.push_back(
        {kTopic, f.webhook_id,
         shared_.events.make(kWebhookFailing, "webhook/" + f.webhook_id, failing.version,
                             {{"webhook", to_json(failing)}, {"delivery_id", f.delivery_id}, {"reason", f.reason}},
                             cause)});
  }
  out.failing.clear();
  return out.outputs;
}

Status Deliverer::open() {
  if (subscription_) return {};
  std::vector<std::string> topics = kConsumedTopics;
  topics.push_back(kTopic);
  auto sub = shared_.log->subscribe(topics, kWebhookGroup);
  if (!sub) return fail(sub.error());
  subscription_ = std::move(*sub);
  return {};
}

Result<size_t> Deliverer::step(std::chrono::milliseconds wait) {
  if (auto opened = open(); !opened) return fail(opened.error());
  auto batch = subscription_->poll(wait, 200);
  if (!batch) return fail(batch.error());
  if (batch->empty()) return 0;
  Outcome out;
  for (const auto& record : *batch) {
    if (record.event.type.starts_with(contract::kWebhookPrefix)) continue;  // never about itself
    std::vector<Webhook> targets;
    std::set<std::string> known;
    shared_.store.read([&](const State& state) {
      for (const auto& [id, w] : state.webhooks.by_id)
        if (wants(w, record.event.type)) targets.push_back(w);
      for (const auto& w : targets) {
        auto did = delivery_id_of(crypto::sha256_hex(w.id + ":" + record.event.id));
        if (state.webhooks.deliveries.contains(did)) known.insert(did);
      }
    });
    for (const auto& w : targets) {
      Delivery d;
      d.id = delivery_id_of(crypto::sha256_hex(w.id + ":" + record.event.id));
      if (known.contains(d.id)) continue;  // handled before a restart; retries carry on from the state
      d.webhook_id = w.id;
      d.event_id = record.event.id;
      d.event_type = record.event.type;
      d.payload = events::serialize(record.event);
      attempt(d, w, out);
    }
  }
  // A webhook's version is decided (marked failing) and written with the handlers' writes held
  // off, so a change through the API at the same time never gets the same version.
  auto committed = commit_decided(
      shared_, *subscription_,
      [&](const State& state) -> Result<std::vector<events::Output>> { return with_failing_marks(state, out); },
      *batch);
  if (!committed) return fail(committed.error());
  return batch->size();
}

// Retries are shared by the replicas as the first attempts are: a webhook's deliveries are
// retried by the member of kWebhookGroup that owns the webhook's partition of our own topic
// (where its delivery records are keyed), through the group's fenced step.
Result<size_t> Deliverer::retry_due() {
  if (auto opened = open(); !opened) return fail(opened.error());
  std::vector<std::pair<Delivery, Webhook>> due;
  shared_.store.read([&](const State& whole) {
    Timestamp now = shared_.clock.now();
    const auto& state = whole.webhooks;
    for (const auto& id : state.pending) {
      const auto& d = state.deliveries.at(id);
      auto w = state.by_id.find(d.webhook_id);
      if (w == state.by_id.end() || w->second.status == "deleted") continue;
      if (d.next_attempt_at && *d.next_attempt_at <= now && subscription_->owns(kTopic, d.webhook_id))
        due.emplace_back(d, w->second);
    }
  });
  size_t attempted = 0;
  for (auto& [d, w] : due) {
    if (stopping_) break;  // the rest stay due: a stop does not wait for every retry
    ++attempted;
    Outcome out;
    attempt(d, w, out);
    // The dead letter and the delivery's own records in one step: both or neither.
    auto committed = commit_decided(
        shared_, *subscription_,
        [&](const State& state) -> Result<std::vector<events::Output>> { return with_failing_marks(state, out); }, {});
    if (!committed) return fail(committed.error());
  }
  return attempted;
}

Result<size_t> Deliverer::iterate(std::chrono::milliseconds wait) {
  auto done = step(wait);
  if (!done) return done;
  if (auto retried = retry_due(); !retried)
    log::warn("webhook retries failed; they stay due", {{"error", retried.error().detail}});
  return done;
}

void Deliverer::run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    auto done = iterate(std::chrono::milliseconds(100));
    if (!done) {
      log::warn("webhook step failed; the batch will be polled again", {{"error", done.error().detail}});
      if (events::failure_of(done.error()) == events::LogFailure::fenced) return;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
  }
}

}  // namespace concord::notifications
