#pragma once
// The caller, as notifications' domain sees it: mapped once from the authenticated principal by
// the API (api/actor.cpp, actor_of), and handed to every rule that asks who may do what. Pure.
#include <optional>
#include <string>

namespace concord::notifications {

struct Actor {
  std::string subject;
  bool officer = false;                  // host_officer or admin: any member's inbox and e-mails, failing addresses
  bool integrator = false;               // manages the webhooks it made
  bool admin = false;                    // manages every webhook
  std::optional<std::string> member_id;  // a delegation_member: their own inbox, preferences, e-mails
};

}  // namespace concord::notifications
