#include "notifications/runtime/mailer.hpp"

#include <algorithm>
#include <cctype>

#include "concord/core/log.hpp"
#include "concord/crypto/crypto.hpp"
#include "notifications/runtime/smtp.hpp"
#include "notifications/runtime/webhook_signing.hpp"

namespace concord::notifications {

namespace {

constexpr auto kSentTtl = std::chrono::hours(24 * 7);

std::string sent_key(const std::string& message_id) {
  return "concord:email:sent:" + message_id;
}

}  // namespace

std::string address_digest(const std::string& address) {
  std::string lower = address;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return crypto::sha256_hex(lower);
}

Mailer::Mailer(Shared& shared) : shared_(shared), smtp_(std::make_unique<Smtp>(shared.settings.email)) {}
Mailer::~Mailer() {
  stop();
}

void Mailer::start() {
  thread_ = std::thread([this] { run(); });
}

void Mailer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

Result<size_t> Mailer::send_due() {
  struct Due {
    Email email;
    std::string address;
  };
  std::vector<Due> due;
  // The group's membership and assignment: polled (the records themselves reach the state
  // through the follower) and their positions committed.
  if (!subscription_) {
    auto sub = shared_.log->subscribe({kTopic}, kMailerGroup);
    if (!sub) return fail(sub.error());
    subscription_ = std::move(*sub);
  }
  auto polled = subscription_->poll(std::chrono::milliseconds(0), 1000);
  if (!polled) return fail(polled.error());
  if (!polled->empty())
    if (auto s = subscription_->commit(*polled); !s) return fail(s.error());
  shared_.store.read([&](const State& state) {
    Timestamp now = shared_.clock.now();
    for (const auto& id : state.emails.pending) {
      const Email& e = state.emails.by_id.at(id);
      if (e.not_before > now || (e.next_attempt_at && *e.next_attempt_at > now)) continue;
      if (!subscription_->owns(kTopic, e.member_id)) continue;  // another replica's to send
      std::string address;
      if (auto c = state.views.contacts.email.find(e.member_id); c != state.views.contacts.email.end())
        address = c->second;
      due.push_back({e, address});
    }
  });
  // Oldest first: a burst goes out in the order it was queued.
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    return a.email.queued_at != b.email.queued_at ? a.email.queued_at < b.email.queued_at : a.email.id < b.email.id;
  });
  const auto& settings = shared_.settings.email;
  size_t attempted = 0;
  for (auto& [e, address] : due) {
    if (stopping_) break;
    ++attempted;
    Timestamp now = shared_.clock.now();
    e.attempts += 1;
    SendOutcome outcome;
    if (address.empty()) {
      outcome.permanent = true;
      outcome.error = "no e-mail address on record for the member";
    } else {
      // Claimed in the cache first; "sent" there means it went through before (a record lost
      // to a crash, another replica): not sent again.
      auto claimed = shared_.cache.set_if_absent(sent_key(e.message_id), "sending", settings.timeout * 3);
      bool already = false;
      if (claimed && !*claimed) {
        auto v = shared_.cache.get(sent_key(e.message_id));
        already = v && *v && **v == "sent";
      }
      if (already) {
        outcome.sent = true;
      } else {
        outcome = smtp_->send(address, compose_mime(e, settings.from, address));
        if (outcome.sent)
          (void)shared_.cache.set(sent_key(e.message_id), "sent", kSentTtl);
        else if (claimed && *claimed)
          (void)shared_.cache.del(sent_key(e.message_id));
      }
    }
    std::string digest = address.empty() ? std::string{} : address_digest(address);
    service::api::Cause cause{"system", "", e.id};
    nlohmann::json data = {
        {"id", e.id},
        {"member_id", e.member_id},
        {"attempts", e.attempts},
        {"last_code", outcome.code == 0 ? nlohmann::json(nullptr) : nlohmann::json(outcome.code)},
        {"last_error", outcome.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
        {"next_attempt_at", nullptr},
        {"address_digest", digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(digest)}};
    std::vector<events::Event> own;
    std::optional<events::Event> letter;
    long long sequence = e.attempts + 1;  // queued was 1
    if (outcome.sent) {
      own.push_back(shared_.events.make(kEmailSent, "email/" + e.id, sequence, data, cause));
      log::info("e-mail sent", {{"message_id", e.message_id}, {"attempts", e.attempts}});
    } else if (auto next = outcome.permanent ? std::nullopt : next_attempt(e.attempts, settings.retry_schedule, now)) {
      data["next_attempt_at"] = format_rfc3339_utc(*next);
      own.push_back(shared_.events.make(kEmailAttemptFailed, "email/" + e.id, sequence, data, cause));
      log::warn(
          "e-mail not sent; retried later",
          {{"message_id", e.message_id}, {"error", outcome.error}, {"next_attempt_at", format_rfc3339_utc(*next)}});
    } else {
      nlohmann::json dead = data;
      dead["message"] = to_json(e);
      letter = shared_.events.make(kEmailDeadLettered, "email/" + e.id, sequence, dead, cause);
      own.push_back(*letter);
      nlohmann::json failing = {{"member_id", e.member_id},
                                {"address_digest", digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(digest)},
                                {"reason", outcome.error},
                                {"email_id", e.id}};
      long long address_version = shared_.store.read([&](const State& state) {
        auto v = state.emails.address_versions.find(e.member_id);
        return v == state.emails.address_versions.end() ? 1 : v->second + 1;
      });
      // Its own aggregate per member: the sequence counts the member's failing marks.
      own.push_back(
          shared_.events.make(kEmailAddressFailing, "email_address/" + e.member_id, address_version, failing, cause));
      log::error("e-mail dead-lettered; the member's address is marked failing",
                 {{"message_id", e.message_id}, {"error", outcome.error}, {"attempts", e.attempts}});
    }
    // The dead letter and the e-mail's own records in one step of the group (fenced by its
    // generation): both or neither.
    std::vector<events::Output> outputs;
    if (letter) outputs.push_back({kDeadLetterTopic, e.member_id, *letter});
    for (const auto& ev : own) outputs.push_back({kTopic, e.member_id, ev});
    if (auto s = commit_own(shared_, *subscription_, outputs, {}); !s) return fail(s.error());
  }
  return attempted;
}

void Mailer::run() {
  auto backoff = std::chrono::milliseconds(200);
  while (!stopping_) {
    auto done = send_due();
    if (!done) {
      log::warn("e-mail records could not be appended; the e-mails stay due", {{"error", done.error().detail}});
      if (events::failure_of(done.error()) == events::LogFailure::fenced) return;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    backoff = std::chrono::milliseconds(200);
    if (*done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace concord::notifications
