#pragma once
// The daily e-mail digest, pure. A member who chose one (preferences' email_digest) has their
// non-urgent e-mails held (email.queued with "digest": true); once a day, at the digest time in
// their zone, one e-mail (kind "digest") collects what was held since the last one. Its id comes
// from the member and the local date of that day's digest time, so a restart, a replay or a
// second run never queues a second digest for the same day.
#include <optional>
#include <string>
#include <vector>

#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/email.hpp"

namespace concord::notifications {

struct DigestDue {
  std::string id;  // the digest e-mail's id
  std::string member_id;
  std::vector<std::string> held;  // the held e-mails it collects, oldest first
};

// Whether a digest is due for `member_id` at `now`, and which. `digest_minute` is the member's
// digest time (minutes after local midnight in `zone`); nullopt: the digest was turned off,
// and whatever is still held goes at once, in one last digest. Due when something is held
// since before the latest digest time that has passed and that day's digest is not queued yet.
std::optional<DigestDue> digest_due(const Emails& emails, const std::string& member_id,
                                    std::optional<int> digest_minute, const std::string& zone, Timestamp now);

// The digest e-mail: the subject counts the changes; the text lists each held e-mail's subject,
// when it was queued (in `zone`) and its text, oldest first, in `language`. No invitation:
// held e-mails never carry one.
Email digest_email(const DigestDue& due, const Emails& emails, const std::string& language, const std::string& zone,
                   const Catalogues& messages, const std::string& message_domain, Timestamp now);

}  // namespace concord::notifications
