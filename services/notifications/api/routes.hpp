#pragma once
#include "concord/http/router.hpp"
#include "live.hpp"
#include "shared.hpp"

namespace concord::notifications::api {

// GET /v1/inbox, GET /v1/inbox/{id}, POST /v1/inbox/{id}/read, GET /v1/inbox/stream,
// GET /v1/reminders.
void mount_inbox(http::Router& router, Shared& shared, Live& live);
// GET|PUT /v1/preferences.
void mount_preferences(http::Router& router, Shared& shared);
// POST|GET /v1/webhooks, GET|DELETE /v1/webhooks/{id}, GET /v1/webhooks/{id}/deliveries.
void mount_webhooks(http::Router& router, Shared& shared);
// GET /v1/emails, GET /v1/email-addresses/failing.
void mount_email(http::Router& router, Shared& shared);

}  // namespace concord::notifications::api
