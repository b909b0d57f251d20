#pragma once
// Sends the e-mails queued on concord.notifications.v1 (email.queued), at least once and always
// as the same message (the same Message-ID and bytes): due ones (quiet hours over, retry time
// come) are sent through SMTP one after another; each outcome is an event (email.sent,
// email.attempt_failed with the next attempt's time, or email.dead_lettered), so retries
// survive restarts. Temporary failures (4xx, connection and TLS errors) are retried on
// CONCORD_SMTP_RETRY_SCHEDULE; a permanent refusal (5xx) or the schedule spent dead-letters the
// e-mail to concord.webhooks.dlq.v1 and marks the member's address failing
// (email.address_failing). The cache remembers what went through, so an e-mail sent just before
// a crash is not sent again when its record did not make it to the log (without the cache: at
// least once, same Message-ID). Replicas share the work in one consumer group (kMailerGroup) on
// our own topic: each sends the e-mails of the members whose partition (the topic's key) it owns,
// and records the outcomes through the group's fenced step.
#include <atomic>
#include <memory>
#include <thread>

#include "concord/events/event_log.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications {

class Smtp;

// SHA-256 hex of the lower-cased address: how events name an address without carrying it.
std::string address_digest(const std::string& address);

class Mailer {
 public:
  explicit Mailer(Shared& shared);
  ~Mailer();
  void start();
  void stop();
  Result<size_t> send_due();  // the e-mails due now; how many were attempted

 private:
  void run();

  Shared& shared_;
  std::unique_ptr<Smtp> smtp_;
  std::unique_ptr<events::Subscription> subscription_;  // kMailerGroup on our own topic
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace concord::notifications
