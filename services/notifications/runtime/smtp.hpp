#pragma once
// SMTP submission through libcurl (never hand-written SMTP): STARTTLS required on smtp://,
// implicit TLS on smtps://, AUTH when a user is configured, the server's certificate verified
// against the system's CAs and CONCORD_SMTP_CA_FILE. One connection is kept and reused between
// messages. Internal to the service; libcurl's headers stay in smtp.cpp.
#include <memory>
#include <string>

#include "notifications/domain/email.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications {

class Smtp {
 public:
  explicit Smtp(const Settings::Email& settings);
  ~Smtp();
  Smtp(const Smtp&) = delete;
  Smtp& operator=(const Smtp&) = delete;
  // Sends `mime` (a whole RFC 5322 message) to `to` from the configured sender.
  SendOutcome send(const std::string& to, const std::string& mime);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::notifications
