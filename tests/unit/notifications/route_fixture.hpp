#pragma once
#include <gtest/gtest.h>

#include "concord/core/id.hpp"
#include "contract_events.hpp"
#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/embedded_messages.hpp"
#include "notifications/domain/route.hpp"

namespace concord::notifications::testing {

inline const Catalogues& catalogues() {
  static const Catalogues c = *Catalogues::load(embedded_message_files());
  return c;
}

inline Timestamp t(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

class RouteFixture : public ::testing::Test {
 protected:
  Incoming event(std::string type, nlohmann::json data) {
    return Incoming{"ev-" + std::to_string(++events_), std::move(type), now, std::move(data)};
  }
  // Routes against the views as they are, then folds the event in: what the processor does.
  std::vector<Notification> feed(const Incoming& e) {
    RouteContext ctx{now, ids, catalogues(), preferences};
    auto out = route(e, views, ctx);
    evolve(views, e);
    return out;
  }
  std::vector<Notification> feed(std::string type, nlohmann::json data) {
    return feed(event(std::move(type), std::move(data)));
  }
  void add_member(const std::string& id, const std::string& language, const std::string& zone) {
    feed("concord.delegations.member.added", {{"member", contract::member(id, "d-" + id, language, zone)}});
  }
  static const Notification* for_member(const std::vector<Notification>& ns, const std::string& member) {
    for (const auto& n : ns)
      if (n.member_id == member) return &n;
    return nullptr;
  }

  Timestamp now = t("2025-09-20T09:00:00Z");
  SequentialIdGenerator ids;
  Views views;
  std::map<std::string, Preferences> preferences;
  int events_ = 0;
};

}  // namespace concord::notifications::testing
