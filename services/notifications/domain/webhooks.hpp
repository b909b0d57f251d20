#pragma once
// Webhook subscriptions and their deliveries, folded from concord.notifications.v1
// (concord.notifications.webhook.*). Pure: who may manage them, which events match, and the
// bounded retry schedule. Secrets are never in events: each is derived from the service's key
// and the subscription id when needed (see webhook_signing.hpp).
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/time.hpp"
#include "notifications/domain/actor.hpp"
#include "notifications/domain/views.hpp"

namespace concord::notifications {

inline constexpr const char* kWebhookCreated = contract::kWebhookCreated.data();
inline constexpr const char* kWebhookDeleted = contract::kWebhookDeleted.data();
inline constexpr const char* kWebhookFailing = contract::kWebhookFailing.data();
inline constexpr const char* kWebhookUpdated = contract::kWebhookUpdated.data();
inline constexpr const char* kWebhookSecretRotated = contract::kWebhookSecretRotated.data();
inline constexpr const char* kDeliveryReplayed = contract::kDeliveryReplayed.data();
inline constexpr const char* kDeliveryAttempted = contract::kDeliveryAttempted.data();
inline constexpr const char* kDeadLettered = contract::kDeadLettered.data();

struct Webhook {
  std::string id;
  std::string owner;  // the integrator's subject
  std::string url;
  std::vector<std::string> event_types;  // exact types, or prefixes "concord.scheduling.*"
  std::string status = "active";         // "active" | "failing" | "deleted"
  Timestamp created_at{};
  long long version = 1;
  // Rotation: the secret of generation n is derived from the service key, the id and n; the one
  // before stays valid (deliveries are signed with both) until `previous_secret_until`.
  int secret_generation = 0;
  std::optional<Timestamp> previous_secret_until;
};
nlohmann::json to_json(const Webhook& w);
std::optional<Webhook> webhook_of(const nlohmann::json& j);

// One event to one webhook: every attempt carries the same id (the webhook-id header).
struct Delivery {
  std::string id;  // "msg_<hex>"
  std::string webhook_id;
  std::string event_id;
  std::string event_type;
  std::string payload;  // the CloudEvent exactly as on the topic
  int attempts = 0;
  std::string status = "pending";  // "pending" | "succeeded" | "dead_lettered"
  int last_status_code = 0;        // 0: no HTTP answer
  std::string last_error;
  std::optional<Timestamp> next_attempt_at;
  Timestamp updated_at{};
  int replayed_after = 0;  // attempts made before the last replay: the schedule restarts there
  int replays = 0;
  // The sequence of the delivery's events: attempts and replays each raise it.
  long long sequence() const { return attempts + replays; }
};
nlohmann::json to_json(const Delivery& d, bool with_payload);
std::optional<Delivery> delivery_of(const nlohmann::json& j);

struct Webhooks {
  std::map<std::string, Webhook> by_id;
  // The ids of the webhooks not deleted, all (an admin's list) and by owner (an integrator's),
  // in by_id's order. Not in the snapshot (reindex rebuilds them).
  std::set<std::string> live;
  std::map<std::string, std::set<std::string>> live_by_owner;
  std::map<std::string, Delivery> deliveries;  // by delivery id
  // Webhook id → ordinal key → delivery id, newest first.
  std::map<std::string, std::map<std::string, std::string>> by_webhook;
  std::set<std::string> pending;  // deliveries waiting for a retry
};

// Applies concord.notifications.webhook.* events; others are ignored.
void evolve(Webhooks& state, const Incoming& event);
// Rebuilds the lists' indexes (live, live_by_owner) from by_id, e.g. after a snapshot.
void reindex(Webhooks& state);

bool type_matches(const std::string& filter, const std::string& type);
bool wants(const Webhook& w, const std::string& type);

// Integrators and admins manage webhooks; others are 403.
Status may_manage_webhooks(const Actor& actor);
// An integrator sees and deletes only their own; an admin any. Others' are 404.
Result<const Webhook*> visible_webhook(const Webhooks& state, const Actor& actor, const std::string& id);
// Exact "concord.<service>.<aggregate>.<verb>" types or prefixes ending ".*"; errors point at
// /event_types/<i>.
std::vector<FieldError> check_event_types(const std::vector<std::string>& types);

// An integrator's change to a subscription (absent: left alone). `reenable` turns a failing
// subscription active again; a change that changes nothing is refused, so every event says
// something.
struct WebhookChange {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> event_types;
  bool reenable = false;
};
Result<Webhook> change_webhook(const Webhook& w, const WebhookChange& change);
// A new secret generation; the current one stays valid for `grace` (zero: revoked at once).
Webhook rotate_secret(const Webhook& w, Timestamp now, std::chrono::seconds grace);
// The secret generations a delivery at `now` is signed with: the current first.
std::vector<int> signing_generations(const Webhook& w, Timestamp now);
// A dead letter sent again, due at `now`, with the whole retry schedule before it dies again.
// Only a dead-lettered delivery is replayed (409 otherwise).
Result<Delivery> replay_delivery(const Delivery& d, Timestamp now);

// Attempt n (1-based) failed at `now`: when the next one is due, or nullopt when the schedule
// is spent (dead letter). The schedule's k-th entry is the wait before attempt k+1.
// For a replayed delivery n counts the attempts since the replay.
std::optional<Timestamp> next_attempt(int attempts_made, const std::vector<std::chrono::milliseconds>& schedule,
                                      Timestamp now);

// The delivery id for an event and a webhook: stable, so a retry and a redelivery after a crash
// carry the same webhook-id. `digest` is a hex digest of "<webhook id>:<event id>".
std::string delivery_id_of(const std::string& hex_digest);

}  // namespace concord::notifications
