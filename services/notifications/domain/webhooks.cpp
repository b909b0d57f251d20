#include "notifications/domain/webhooks.hpp"

#include "concord/core/sort_key.hpp"

namespace concord::notifications {

using namespace json_read;

nlohmann::json to_json(const Webhook& w) {
  return {
      {"id", w.id},
      {"owner", w.owner},
      {"url", w.url},
      {"event_types", w.event_types},
      {"status", w.status},
      {"created_at", format_rfc3339_utc(w.created_at)},
      {"version", w.version},
      {"secret_generation", w.secret_generation},
      {"previous_secret_until", w.previous_secret_until ? nlohmann::json(format_rfc3339_utc(*w.previous_secret_until))
                                                        : nlohmann::json(nullptr)}};
}

std::optional<Webhook> webhook_of(const nlohmann::json& j) {
  Webhook w;
  w.id = str(j, "id");
  if (w.id.empty()) return std::nullopt;
  w.owner = str(j, "owner");
  w.url = str(j, "url");
  w.event_types = strings(j, "event_types");
  if (auto s = str(j, "status"); !s.empty()) w.status = s;
  w.created_at = time(j, "created_at").value_or(Timestamp{});
  w.version = num(j, "version", 1);
  w.secret_generation = static_cast<int>(num(j, "secret_generation", 0));
  w.previous_secret_until = time(j, "previous_secret_until");
  return w;
}

nlohmann::json to_json(const Delivery& d, bool with_payload) {
  nlohmann::json j = {
      {"id", d.id},
      {"webhook_id", d.webhook_id},
      {"event_id", d.event_id},
      {"event_type", d.event_type},
      {"attempts", d.attempts},
      {"status", d.status},
      {"last_status_code", d.last_status_code == 0 ? nlohmann::json(nullptr) : nlohmann::json(d.last_status_code)},
      {"last_error", d.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.last_error)},
      {"next_attempt_at",
       d.next_attempt_at ? nlohmann::json(format_rfc3339_utc(*d.next_attempt_at)) : nlohmann::json(nullptr)},
      {"updated_at", format_rfc3339_utc(d.updated_at)}};
  if (d.replays > 0) {
    j["replays"] = d.replays;
    j["replayed_after"] = d.replayed_after;
  }
  if (with_payload) j["payload"] = d.payload;
  return j;
}

std::optional<Delivery> delivery_of(const nlohmann::json& j) {
  Delivery d;
  d.id = str(j, "id");
  d.webhook_id = str(j, "webhook_id");
  if (d.id.empty() || d.webhook_id.empty()) return std::nullopt;
  d.event_id = str(j, "event_id");
  d.event_type = str(j, "event_type");
  d.payload = str(j, "payload");
  d.attempts = static_cast<int>(num(j, "attempts"));
  if (auto s = str(j, "status"); !s.empty()) d.status = s;
  d.last_status_code = static_cast<int>(num(j, "last_status_code"));
  d.last_error = str(j, "last_error");
  d.next_attempt_at = time(j, "next_attempt_at");
  d.updated_at = time(j, "updated_at").value_or(Timestamp{});
  d.replayed_after = static_cast<int>(num(j, "replayed_after", 0));
  d.replays = static_cast<int>(num(j, "replays", 0));
  return d;
}

namespace {

void unlist_webhook(Webhooks& state, const Webhook& w) {
  state.live.erase(w.id);
  if (auto of = state.live_by_owner.find(w.owner); of != state.live_by_owner.end()) {
    of->second.erase(w.id);
    if (of->second.empty()) state.live_by_owner.erase(of);
  }
}

void list_webhook(Webhooks& state, const Webhook& w) {
  if (w.status == "deleted") return;
  state.live.insert(w.id);
  state.live_by_owner[w.owner].insert(w.id);
}

}  // namespace

void reindex(Webhooks& state) {
  state.live.clear();
  state.live_by_owner.clear();
  for (const auto& [id, w] : state.by_id) list_webhook(state, w);
}

void evolve(Webhooks& state, const Incoming& e) {
  if (!e.data.is_object()) return;
  if (e.type == kWebhookCreated || e.type == kWebhookDeleted || e.type == kWebhookFailing ||
      e.type == kWebhookUpdated || e.type == kWebhookSecretRotated) {
    if (!e.data.contains("webhook")) return;
    auto w = webhook_of(e.data["webhook"]);
    if (!w) return;
    if (auto old = state.by_id.find(w->id); old != state.by_id.end()) unlist_webhook(state, old->second);
    list_webhook(state, *w);
    state.by_id[w->id] = std::move(*w);
  } else if (e.type == kDeliveryAttempted || e.type == kDeadLettered || e.type == kDeliveryReplayed) {
    if (!e.data.contains("delivery")) return;
    auto d = delivery_of(e.data["delivery"]);
    if (!d) return;
    auto it = state.deliveries.find(d->id);
    if (it != state.deliveries.end() && d->sequence() < it->second.sequence()) return;  // an older attempt
    if (d->status == "pending")
      state.pending.insert(d->id);
    else
      state.pending.erase(d->id);
    if (it == state.deliveries.end()) {
      auto& deliveries = state.by_webhook[d->webhook_id];
      deliveries.emplace(SortKey().add(-static_cast<std::int64_t>(deliveries.size())).str(), d->id);
      state.deliveries.emplace(d->id, std::move(*d));
    } else {
      if (d->payload.empty()) d->payload = std::move(it->second.payload);  // later attempts omit it
      it->second = std::move(*d);
    }
  }
}

bool type_matches(const std::string& filter, const std::string& type) {
  if (filter.size() >= 2 && filter.ends_with(".*")) return type.rfind(filter.substr(0, filter.size() - 1), 0) == 0;
  return filter == type;
}

bool wants(const Webhook& w, const std::string& type) {
  if (w.status == "deleted") return false;
  for (const auto& f : w.event_types)
    if (type_matches(f, type)) return true;
  return false;
}

Status may_manage_webhooks(const Actor& actor) {
  if (actor.integrator || actor.admin) return {};
  return fail(Error::forbidden("only integrators and admins manage webhooks"));
}

Result<const Webhook*> visible_webhook(const Webhooks& state, const Actor& actor, const std::string& id) {
  if (auto s = may_manage_webhooks(actor); !s) return fail(s.error());
  auto it = state.by_id.find(id);
  if (it == state.by_id.end() || it->second.status == "deleted" || (!actor.admin && it->second.owner != actor.subject))
    return fail(Error::not_found("no webhook " + id));
  return &it->second;
}

std::vector<FieldError> check_event_types(const std::vector<std::string>& types) {
  std::vector<FieldError> errors;
  if (types.empty()) errors.push_back({"/event_types", "name at least one event type or prefix"});
  for (size_t i = 0; i < types.size(); ++i) {
    const auto& t = types[i];
    std::string_view body = t;
    bool prefix = body.ends_with(".*");
    if (prefix) body.remove_suffix(2);
    bool ok = body.rfind("concord.", 0) == 0 && body.size() > 8;
    int dots = 0;
    for (size_t k = 0; ok && k < body.size(); ++k) {
      char c = body[k];
      if (c == '.') {
        ++dots;
        if (k + 1 == body.size() || body[k + 1] == '.') ok = false;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        ok = false;
      }
    }
    if (ok && !prefix && dots < 3) ok = false;  // an exact type is concord.<service>.<aggregate>.<verb>
    if (!ok)
      errors.push_back({"/event_types/" + std::to_string(i),
                        "'" + t +
                            "' is neither an event type (concord.<service>.<aggregate>.<verb>) nor a prefix "
                            "such as concord.scheduling.*"});
  }
  return errors;
}

Result<Webhook> change_webhook(const Webhook& w, const WebhookChange& change) {
  Webhook out = w;
  if (change.url) out.url = *change.url;
  if (change.event_types) out.event_types = *change.event_types;
  if (change.reenable) {
    if (w.status != "failing")
      return fail(Error::conflict("the webhook is " + w.status + ", not failing: nothing to re-enable"));
    out.status = "active";
  }
  if (out.url == w.url && out.event_types == w.event_types && out.status == w.status)
    return fail(Error::validation("", "the change changes nothing; give a new url, event_types, or status \"active\""));
  out.version = w.version + 1;
  return out;
}

Webhook rotate_secret(const Webhook& w, Timestamp now, std::chrono::seconds grace) {
  Webhook out = w;
  out.secret_generation = w.secret_generation + 1;
  out.previous_secret_until = grace.count() > 0 ? std::optional<Timestamp>(now + grace) : std::nullopt;
  out.version = w.version + 1;
  return out;
}

std::vector<int> signing_generations(const Webhook& w, Timestamp now) {
  std::vector<int> out{w.secret_generation};
  if (w.secret_generation > 0 && w.previous_secret_until && now < *w.previous_secret_until)
    out.push_back(w.secret_generation - 1);
  return out;
}

Result<Delivery> replay_delivery(const Delivery& d, Timestamp now) {
  if (d.status != "dead_lettered")
    return fail(Error::conflict("delivery " + d.id + " is " + d.status + "; only a dead letter is replayed"));
  Delivery out = d;
  out.status = "pending";
  out.next_attempt_at = now;
  out.updated_at = now;
  out.replayed_after = d.attempts;
  out.replays = d.replays + 1;
  return out;
}

std::optional<Timestamp> next_attempt(int attempts_made, const std::vector<std::chrono::milliseconds>& schedule,
                                      Timestamp now) {
  if (attempts_made < 1 || static_cast<size_t>(attempts_made) > schedule.size()) return std::nullopt;
  return now + schedule[static_cast<size_t>(attempts_made) - 1];
}

std::string delivery_id_of(const std::string& hex_digest) {
  return "msg_" + hex_digest.substr(0, 32);
}

}  // namespace concord::notifications
