#pragma once
// One process's part in its service's replica set (DESIGN §7, Availability): the writer, or a
// hot standby.
//
// With Kafka, every replica joins its service's writer election (events::WriterElection: a
// consumer group on the one-partition topic concord.<service>.leader.v1). The elected replica
//   1. stops following its own topics,
//   2. takes the writer's role (EventLog::acquire_writer: init_transactions under the service's
//      fixed transactional id fences any previous writer, zombies included),
//   3. reads its own topics from where its state stands to their end (a standby has followed
//      them, so that is what the previous writer committed last), so its state holds everything
//      ever committed,
//   4. announces itself on the leader topic (its advertised URL), through the same
//      transactional producer, so a fenced replica cannot announce,
//   5. and only then takes writes.
// When the group revokes the role, when the session is lost, or when an append finds the
// producer fenced, it stops writing at once, gives the producer up, brings its state to the end
// of the log (rebuilding it only when an append's outcome is unknown) and follows its own topics
// again as a standby.
// A standby follows its own topics from where its replay ended (as views follow other
// services' topics) and serves reads. A write that reaches it is forwarded to the announced
// writer, or answered 503 with Retry-After while no writer is known or reachable; a forwarded
// request that reaches a replica that is not the writer answers 503 (no loops).
// A service whose consumer groups append to its own topic on every replica (notifications)
// follows that topic itself, writer or not, and tells the replica how far it has read
// (Tracked::follows_itself, followed()): the replica then waits on that for Concord-Min-Position
// and, when elected, for its reaching the end of the log, instead of following and reading it.
// The file log (the embedded default) has one process: it is always the writer.
// Idempotency-Keys (idempotency_ledger()): each writer's term has a name of its own, recorded in
// the claims its requests take; a retry that finds a claim of another term is answered from the
// state's log (the request's events carry the key's hash), or run when the log does not hold it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "concord/events/event_log.hpp"
#include "concord/events/writer_election.hpp"
#include "concord/http/message.hpp"
#include "concord/http/server.hpp"
#include "concord/service/follower.hpp"
#include "concord/service/store.hpp"

namespace concord::service {

// The request header a forwarded write carries (the forwarding replica's instance).
inline constexpr const char* kForwardedHeader = "Concord-Forwarded";
// Read-your-writes: a write's response carries where it was written in the log; a read that
// presents it waits (at most `min_position_wait`) until this replica's state includes it.
// "topic:partition:offset" (the offset just past the write), comma-separated.
inline constexpr const char* kPositionHeader = "Concord-Position";
inline constexpr const char* kMinPositionHeader = "Concord-Min-Position";
std::string format_positions(const events::Positions& positions);
Result<events::Positions> parse_positions(std::string_view text);

class Replica {
 public:
  struct Options {
    std::string service;                  // its spec's name
    std::vector<std::string> own_topics;  // the topics the service writes
    std::string leader_topic;             // concord.<service>.leader.v1
    std::string instance;                 // names this process in logs and announcements
    std::string advertised_url;           // how the other replicas reach this one: http://10.1.2.3:8082
    std::chrono::milliseconds forward_timeout{std::chrono::seconds(20)};
    std::chrono::milliseconds min_position_wait{std::chrono::seconds(2)};
    // Where a resource the service's requests create lives, by its events' subject kind
    // ("visit" → "/v1/visits/"): a retry answered from the log names it (logged()).
    std::map<std::string, std::string> addresses;
  };
  // What a replica keeps in step with its own topics: usually a Store (see track()).
  struct Tracked {
    std::function<Status()> resync;                    // rebuild from the log
    std::function<events::Positions()> replayed;       // where that rebuild ended
    std::function<void(const events::Record&)> apply;  // an event another replica wrote
    // Optional: reads the own topics from where the state stands to their end (or rebuilds when
    // it cannot), instead of resync(), and where the state stands to follow from.
    std::function<Status(const std::vector<std::string>& own_topics)> catch_up;
    std::function<events::Positions()> positions;
    // Optional: the request the state holds under an Idempotency-Key's hash (Store).
    std::function<std::optional<CommittedRequest>(const std::string& key_hash)> committed_request;
    // Whether the service follows its own topics itself, writer or not, and reports each record
    // its follower passes through followed(): a service whose consumer groups append to its
    // topic on every replica (notifications), so the writer is not the topic's only writer.
    // The replica then runs no follower of its own and never rebuilds the state on a change of
    // role; a replica elected writer waits for that follower to reach the end of the own topics.
    bool follows_itself = false;
  };
  // Who follows a tracked Store's own topics: the replica while it is a standby (a topic only
  // its writer appends to), or the service itself on every replica (followed()).
  enum class OwnTopics { followed_by_replica, followed_by_service };

  // `election` null: the only process of its service (the file log), always the writer.
  Replica(Options options, std::shared_ptr<events::EventLog> log, std::unique_ptr<events::WriterElection> election);
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  // Once the server listens (the port may have been chosen by the system).
  void set_advertised_url(std::string url) { options_.advertised_url = std::move(url); }

  // Registers the state to keep in step; before start(). Without one (a service whose state is
  // not a Store), a standby serves reads from the state it replayed at start.
  void track(Tracked tracked);
  template <class State>
  void track(Store<State>& store, OwnTopics own = OwnTopics::followed_by_replica) {
    track(Tracked{[&store] { return store.resync(); }, [&store] { return store.replayed(); },
                  [&store](const events::Record& r) { store.apply(r); },
                  [&store](const std::vector<std::string>& topics) { return store.catch_up(topics); },
                  [&store] { return store.positions(); },
                  [&store](const std::string& key) { return store.committed_request(key); },
                  own == OwnTopics::followed_by_service});
  }
  // For a service that follows its own topics itself (Tracked::follows_itself): its follower
  // has passed `record` (applied it, or found it applied already), so a read waiting for a
  // position up to it, or a promotion waiting for the end of the log, may go on.
  void followed(const events::Record& record);

  // After the service's state is rebuilt: follows its own topics and joins the election (or,
  // without one, is the writer at once).
  void start();
  // Leaves the election (a writer hands its role over at once) and stops following.
  void stop();

  bool writer() const;
  bool elected() const { return !election_ || election_->elected(); }
  std::string role() const;  // "writer", "standby" or "starting"
  std::optional<std::string> writer_url() const;

  // For the HTTP server's interceptor: a write (not GET or HEAD) on a replica that is not the
  // writer is forwarded, or answered 503; a read with Concord-Min-Position on a standby waits
  // until its state includes that position (503 with Retry-After when it does not within
  // min_position_wait; 400 when the header is malformed); anything else passes (nullopt).
  std::optional<http::Response> intercept(http::Request& request);
  // For the server's finisher: Concord-Position on a successful write's response.
  void finish(const http::Request& request, http::Response& response);

  // Whether the tracked state answers for Idempotency-Keys from the log (a Store).
  bool answers_from_log() const { return tracked_ && tracked_->committed_request; }
  // Names the current writer's term of this process ("" while it is not the writer).
  std::string term() const;
  // The answer to a retry of a request the log holds under `key_hash`, whose first response
  // was never recorded: 200, its events, where they are (Concord-Position) and the resource it
  // created (Location), if any (docs/architecture.md, Idempotency-Keys).
  std::optional<http::LoggedRequest> logged(const std::string& key_hash) const;
  // The three together, for the HTTP server (answers_from_log() only).
  http::IdempotencyLedger idempotency_ledger();

 private:
  enum class Role { starting, standby, writer };
  void run();
  bool promote();
  void demote();
  void follow();
  Status catch_up();
  Status wait_for_the_service_to_reach_the_end();
  bool covers(const events::Positions& wanted) const;  // with followed_mutex_ held
  Status announce();
  http::Response forward(const http::Request& request, const std::string& url);
  std::optional<std::string> created_by(const CommittedRequest& request) const;

  Options options_;
  std::shared_ptr<events::EventLog> log_;
  std::unique_ptr<events::WriterElection> election_;
  std::optional<Tracked> tracked_;
  std::atomic<Role> role_{Role::starting};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unique_ptr<Follower> own_;        // a standby's own topics
  std::unique_ptr<Follower> announced_;  // the leader topic: who the writer is
  std::mutex followed_mutex_;
  std::condition_variable followed_cv_;
  events::Positions followed_;  // how far the state holds the own topics (standby)
  bool following_ = false;      // followed_ set from the state's replay (a service following itself)
  mutable std::mutex url_mutex_;
  std::string writer_url_;
  std::string writer_instance_;
  std::string announcement_id_;          // this replica's last announcement: its writer term
  const std::string process_term_;       // the term of a replica without an election
  bool announcement_seen_ = false;       // read back from the leader topic
  std::atomic<bool> superseded_{false};  // another replica announced itself after it
};

}  // namespace concord::service
