#pragma once
// Decide, then evolve what was decided, as the service does it, without a log or a server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "delegations/domain/codec.hpp"
#include "delegations/domain/decide.hpp"
#include "delegations/domain/parse.hpp"

namespace concord::delegations::testing {

inline const std::string kVisit = "01900000-0000-7000-8000-0000000000aa";
inline const std::string kOtherVisit = "01900000-0000-7000-8000-0000000000bb";
// 32 bytes in base64.
inline const std::string kPublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

struct Written {
  NewEvent emitted;
  std::string actor;
  Timestamp time;
};

class DelegationsDomainTest : public ::testing::Test {
 protected:
  Actor officer{"officer-1", true, false, std::nullopt};
  Actor integrator{"erp", false, true, std::nullopt};
  static Actor member(const std::string& id) { return Actor{"member-" + id, false, false, id}; }

  template <class Command>
  Result<Decision> run(const Command& command, const Actor& actor) {
    Context context{clock.now(), actor, ids};
    auto decision = decide(state, command, context);
    if (!decision) return decision;
    for (const auto& e : decision->events) {
      evolve(state, Recorded{e.id, e.type, clock.now(), actor.subject, e.data});
      log.push_back({e, actor.subject, clock.now()});
    }
    clock.advance(std::chrono::seconds(1));
    return decision;
  }

  // Parses a JSON body and runs it; a test failure when either step fails.
  template <class Command>
  Decision must(const Result<Command>& parsed, const Actor& actor) {
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().detail);
    if (!parsed) return {};
    auto d = run(*parsed, actor);
    EXPECT_TRUE(d) << (d ? "" : d.error().detail);
    return d ? *d : Decision{};
  }

  std::string delegation(const std::string& country, const std::string& side = "guest",
                         const std::string& visit = kVisit) {
    return must(parse_register_delegation({{"visit_id", visit},
                                           {"country", country},
                                           {"side", side},
                                           {"name", {{"en", country + " delegation"}}}}),
                officer)
        .target_id;
  }

  static nlohmann::json member_body(const std::string& name, const std::string& rank) {
    return {{"full_name", {{"en", name}}},
            {"position", {{"en", "Position of " + name}}},
            {"rank", rank},
            {"languages", {"ru", "en"}},
            {"time_zone", "Europe/Minsk"}};
  }

  std::string add_member(const std::string& delegation_id, nlohmann::json body) {
    return must(parse_add_member(delegation_id, body), officer).target_id;
  }

  std::vector<std::string> roster_names(const std::string& delegation_id) {
    std::vector<std::string> names;
    for (const Member* m : roster(state, delegation_id, false)) names.push_back(display_name(m->full_name));
    return names;
  }

  // Every event written so far, folded into a fresh state in the order a restart replays them:
  // the private topic first, then the public one.
  State replayed() const {
    State fresh;
    for (bool private_pass : {true, false})
      for (const auto& w : log)
        if (w.emitted.is_private == private_pass)
          evolve(fresh, Recorded{w.emitted.id, w.emitted.type, w.time, w.actor, w.emitted.data});
    return fresh;
  }

  ManualClock clock{Timestamp{std::chrono::milliseconds{1'759'050'000'000}}};
  SequentialIdGenerator ids;
  State state;
  std::vector<Written> log;
};

inline std::vector<std::string> pointers(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.errors) out.push_back(f.pointer);
  return out;
}

}  // namespace concord::delegations::testing
