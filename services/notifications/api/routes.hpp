#pragma once
#include "concord/http/router.hpp"
#include "notifications/domain/actor.hpp"
#include "notifications/runtime/live.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications::api {

// The caller as the domain sees it, from the request's principal: the one place the handlers
// read roles.
Actor actor_of(const http::Request& request);

// GET /v1/inbox, GET /v1/inbox/{id}, POST /v1/inbox/{id}/read, GET /v1/inbox/stream,
// GET /v1/reminders.
void mount_inbox(http::Router& router, Shared& shared, Live& live);
// POST /v1/inbox/stream-tickets: a single-use ticket for opening the stream without a header.
void mount_stream_tickets(http::Router& router, Shared& shared);
inline constexpr std::chrono::seconds kStreamTicketTtl{30};
// The principal a stream ticket (?ticket=) stands for, once; 401 when it is unknown, expired
// or used.
Result<auth::Principal> redeem_stream_ticket(Shared& shared, const http::Request& request);
// GET|PUT /v1/preferences.
void mount_preferences(http::Router& router, Shared& shared);
// POST|GET /v1/webhooks, GET|DELETE /v1/webhooks/{id}, GET /v1/webhooks/{id}/deliveries.
void mount_webhooks(http::Router& router, Shared& shared);
// GET /v1/emails, GET /v1/email-addresses/failing.
void mount_email(http::Router& router, Shared& shared);

}  // namespace concord::notifications::api
