#pragma once
// The service's whole state: the views of the other services' topics and what it folds from its
// own (inbox, webhooks, e-mail). Pure.
#include <string_view>

#include "notifications/domain/email.hpp"
#include "notifications/domain/inbox.hpp"
#include "notifications/domain/views.hpp"
#include "notifications/domain/webhooks.hpp"

namespace concord::notifications {

// Snapshots encode it (snapshot.hpp): change kStateVersion there whenever this changes.
struct State {
  Views views;
  Inbox inbox;
  Webhooks webhooks;
  Emails emails;
};

// One event of our own topic, applied to whatever part of the state it concerns.
inline void evolve_own(State& state, const Incoming& e) {
  evolve(state.inbox, e);
  evolve(state.webhooks, e);
  evolve(state.emails, e);
}

// One event of any topic the service folds: our own into the inbox, webhooks and e-mail; the
// others' (public and private) into the views. The dead-letter topic holds copies of what our
// own topic records: nothing to fold.
inline void evolve(State& state, std::string_view topic, const Incoming& e) {
  if (topic == kTopic)
    evolve_own(state, e);
  else if (topic != kDeadLetterTopic)
    evolve(state.views, e);
}

}  // namespace concord::notifications
