#pragma once
// The e-mail channel, pure: which notifications become e-mails, what each e-mail says (in the
// member's language, times in their zone), the iTIP invitation it carries for a meeting, the
// MIME message that goes out, and the delivery state folded from concord.notifications.v1.
//
// An e-mail is an event (email.queued) before it is ever sent: it carries the Message-ID and
// everything the message is made of except the address (personal data, never on the public
// topic; looked up when sending). The same event always gives the same message, so a retry or a
// restart sends the same bytes under the same Message-ID.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/time.hpp"
#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/inbox.hpp"
#include "notifications/domain/views.hpp"

namespace concord::notifications {

inline constexpr const char* kEmailQueued = contract::kEmailQueued.data();
inline constexpr const char* kEmailAttemptFailed = contract::kEmailAttemptFailed.data();
inline constexpr const char* kEmailSent = contract::kEmailSent.data();
inline constexpr const char* kEmailDeadLettered = contract::kEmailDeadLettered.data();
inline constexpr const char* kEmailAddressFailing = contract::kEmailAddressFailing.data();

// RFC 5546: REQUEST adds or moves the event in the member's calendar, CANCEL removes it. UID
// and SEQUENCE are the programme calendar's: "<meeting id>@concord", meeting version − 1.
struct Invitation {
  std::string method;  // "REQUEST" | "CANCEL"
  std::string uid;
  long long sequence = 0;
  Timestamp start{};
  Timestamp end{};
  std::string summary;    // in the member's language
  std::string location;   // in the member's language
  std::string time_zone;  // the member's (named in the text; the calendar itself is in UTC)
};

struct Email {
  std::string id;  // the notification's id: one e-mail per notification
  // "<notification id>@<domain>", without angle brackets. Events carry the domain alone
  // (message_id_domain): nothing shaped like an address is published.
  std::string message_id;
  std::string member_id;
  std::string kind;
  std::string language;
  std::string subject;
  std::string text;  // the body, plain text (the HTML part is made from it)
  bool urgent = false;
  Timestamp queued_at{};
  Timestamp not_before{};  // quiet hours
  std::optional<Invitation> invitation;
  // Held for the member's daily digest (decided when queued): never sent on its own.
  bool digest = false;
  // A digest (kind "digest"): the held e-mails it collects, oldest first.
  std::vector<std::string> includes;
  // Folded: the digest that included this held e-mail.
  std::string digest_id;
  // Delivery, folded from the later events.
  int attempts = 0;
  // "queued" | "sent" | "dead_lettered"; a held e-mail: "held", then "in_digest"
  std::string status = "queued";
  int last_code = 0;  // the SMTP server's last reply code; 0: no answer
  std::string last_error;
  std::optional<Timestamp> next_attempt_at;
  Timestamp updated_at{};
};
nlohmann::json to_json(const Email& e);  // the queued event's "message" (no delivery fields)
std::optional<Email> email_of(const nlohmann::json& j);
nlohmann::json delivery_json(const Email& e);  // {id, message_id, member_id, status, attempts, ...}

// An address the mail server refused for good, or that ran out of retries. Per member and
// address (its SHA-256 digest, lower-cased, travels in events; the address itself never does):
// a new address is not failing, and a later message delivered to it clears it.
struct FailingAddress {
  std::string member_id;
  std::string address_digest;
  std::string reason;
  std::string email_id;
  Timestamp since{};
};

struct Emails {
  std::map<std::string, Email> by_id;
  std::set<std::string> pending;                      // queued, not yet sent or dead-lettered
  std::map<std::string, std::set<std::string>> held;  // member → e-mails held for a digest not yet queued
  std::map<std::string, std::map<std::string, std::string>> by_member;  // member → queued_at|id → id
  std::map<std::string, FailingAddress> failing;                        // by member id
  std::map<std::string, long long> address_versions;                    // member id → address_failing events so far
};

// Applies concord.notifications.email.*; others are ignored. Idempotent.
void evolve(Emails& state, const Incoming& event);

// Whether the member asked for e-mail: their notification preferences' channels when set, else
// the channels delegations holds for them.
bool wants_email(const Views& views, const std::map<std::string, Preferences>& preferences,
                 const std::string& member_id);

// The e-mail for notification `n`, or nullopt when the member does not want e-mail. `views` are
// those after the event that caused `n` (the meeting's new time and version). Meeting
// notifications carry an invitation: scheduled, moved, a new venue and being added → REQUEST;
// cancelled and being removed → CANCEL; reminders carry none. With the member's daily digest
// on, a non-urgent e-mail without an invitation is held for it (`digest`).
std::optional<Email> email_for(const Notification& n, const Views& views,
                               const std::map<std::string, Preferences>& preferences, const Catalogues& messages,
                               const std::string& message_domain);

// The iTIP calendar of an invitation (organizer and attendee as mailto: addresses).
std::string invitation_ics(const Invitation& inv, Timestamp stamp, const std::string& organizer,
                           const std::string& attendee);

// The whole message (RFC 5322 + MIME): multipart/alternative of text/plain, text/html and, with
// an invitation, text/calendar; method=…; every part UTF-8 in base64; the subject as RFC 2047
// encoded words. Deterministic: the same e-mail, sender and recipient give the same bytes.
std::string compose_mime(const Email& e, const std::string& from, const std::string& to);

// How a send ended. Permanent: the server refused the message or recipient with a 5xx (not an
// authentication failure, which is ours to fix); everything else is retried on the schedule.
struct SendOutcome {
  bool sent = false;
  bool permanent = false;
  int code = 0;
  std::string error;
};
SendOutcome classify_send(bool transfer_ok, int smtp_code, bool auth_refused, const std::string& error);

// Parts exposed for tests.
std::string base64_lines(std::string_view bytes);        // base64, CRLF every 76 characters
std::string encode_header_words(std::string_view text);  // RFC 2047 "B" words, or as is when ASCII
std::string rfc5322_date(Timestamp t);                   // "Sun, 28 Sep 2025 07:00:00 +0000"

}  // namespace concord::notifications
