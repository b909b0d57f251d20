#pragma once
// The four services in this process, for fuzzing their routes without sockets: one file log in a
// temporary directory, the memory cache, a manual clock, sequential ids, and the HTTP pipeline
// (routing, authentication, idempotency, error mapping) that the server runs after it has parsed
// a request. Built once per fuzzing process with a small world in it (venue, visit, two
// delegations with members, a meeting, a document with a version, a webhook), so mutated
// requests reach the handlers' deep paths instead of stopping at 404.
//
// Fuzz inputs name the world's ids by placeholder ({visit}, {venue}, {delegation}, {delegation2},
// {member}, {member2}, {meeting}, {document}, {webhook}), replaced before the request is made.
// Tokens are names: "officer", "admin", "integrator", "member" (the host head, in his own
// delegation), "stranger" (a member of no delegation here).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "concord/http/message.hpp"

namespace concord::fuzzing {

class World {
 public:
  // The one world of this process (built on first use; never destroyed while fuzzing runs).
  static World& get();

  // Replaces the placeholders with the world's ids.
  std::string substitute(std::string_view text) const;

  // Runs one parsed request through the pipeline as the server would after reading it: the
  // body limit of the matched route first (413 without calling the handler), then routing,
  // authentication and the handler. Aborts when the answer is a 5xx, or an error that is not
  // problem+json with its status in the body: what the fuzzers are looking for.
  http::Response handle(http::Request request);

  // A request for the world's set-up and for the fuzzers: method, target, token, JSON body.
  http::Response call(http::Method method, std::string target, std::string_view token, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {});

  ~World();

 private:
  World();
  void build();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Aborts (a finding) unless `response` is a 2xx, a 3xx, or a 4xx problem+json whose body says
// the same status.
void check_response(const http::Request& request, const http::Response& response);

}  // namespace concord::fuzzing
