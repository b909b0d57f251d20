#include "concord/service/replica.hpp"

#include <algorithm>

#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "concord/http/client.hpp"

namespace concord::service {
namespace {

constexpr auto kElectionPoll = std::chrono::milliseconds(100);
constexpr auto kRetryPause = std::chrono::milliseconds(1000);
// How long a replica elected writer waits for a service following its own topics to reach their
// end before it gives the role up and tries again.
constexpr auto kReachEndWait = std::chrono::seconds(30);

http::Response unavailable(const http::Request& request, std::string detail) {
  Error e = Error::unavailable(std::move(detail));
  e.headers.emplace_back("Retry-After", "1");
  return http::Response::problem(e, request.path);
}

// Hop-by-hop and framing fields are the connection's own, not the message's (RFC 9110 §7.6.1).
bool end_to_end(std::string_view name) {
  for (std::string_view hop : {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te",
                               "trailer", "upgrade", "proxy-connection", "expect"}) {
    if (name.size() == hop.size() &&
        std::equal(name.begin(), name.end(), hop.begin(), [](char a, char b) { return std::tolower(a) == b; }))
      return false;
  }
  return true;
}

}  // namespace

std::string format_positions(const events::Positions& positions) {
  std::string out;
  for (const auto& [topic, partitions] : positions)
    for (const auto& [partition, next] : partitions) {
      if (!out.empty()) out += ',';
      out += topic + ':' + std::to_string(partition) + ':' + std::to_string(next);
    }
  return out;
}

Result<events::Positions> parse_positions(std::string_view text) {
  events::Positions out;
  auto bad = [&] {
    return fail(Error::bad_request(std::string(kMinPositionHeader) +
                                   " must be topic:partition:offset[,...] as a write's Concord-Position gave it"));
  };
  if (text.empty() || text.size() > 4096) return bad();
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    auto item = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto second = item.rfind(':');
    auto first = second == std::string_view::npos || second == 0 ? std::string_view::npos : item.rfind(':', second - 1);
    if (first == std::string_view::npos || first == 0) return bad();
    auto number = [](std::string_view digits, long long& value) {
      if (digits.empty() || digits.size() > 18) return false;
      value = 0;
      for (char c : digits) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
      }
      return true;
    };
    long long partition = 0, offset = 0;
    if (!number(item.substr(first + 1, second - first - 1), partition) || partition > 100000 ||
        !number(item.substr(second + 1), offset))
      return bad();
    auto& next = out[std::string(item.substr(0, first))][static_cast<int>(partition)];
    next = std::max(next, offset);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

Replica::Replica(Options options, std::shared_ptr<events::EventLog> log,
                 std::unique_ptr<events::WriterElection> election)
    : options_(std::move(options)),
      log_(std::move(log)),
      election_(std::move(election)),
      process_term_(new_uuid_v7()) {}

Replica::~Replica() {
  stop();
}

void Replica::track(Tracked tracked) {
  tracked_ = std::move(tracked);
}

void Replica::start() {
  if (!election_) {
    role_ = Role::writer;
    return;
  }
  // Who the writer is: every announcement from the beginning, the latest wins.
  announced_ = std::make_unique<Follower>("the writer announcements of " + options_.service, log_,
                                          std::vector<std::string>{options_.leader_topic});
  announced_->start({}, [this](const events::Record& r) {
    std::lock_guard lock(url_mutex_);
    writer_url_ = r.event.data.value("url", "");
    writer_instance_ = r.event.data.value("instance", "");
    // Another replica announced itself after this one did: it took the writer's role (announcing
    // needs it), so this one is fenced, whatever the group told it.
    if (r.event.id == announcement_id_) {
      announcement_seen_ = true;
    } else if (announcement_seen_ && writer_instance_ != options_.instance) {
      superseded_ = true;
    }
  });
  follow();
  role_ = Role::standby;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Replica::stop() {
  {
    std::lock_guard lock(followed_mutex_);
    stopping_ = true;
  }
  followed_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (election_) {
    // A writer that stops hands its role over at once: the group rebalances on LeaveGroup.
    if (role_ == Role::writer) {
      role_ = Role::standby;
      log_->release_writer();
    }
    election_->leave();
  }
  if (own_) own_->stop();
  if (announced_) announced_->stop();
}

bool Replica::writer() const {
  // The group may have revoked the role a moment ago; the producer may have been fenced.
  return role_ == Role::writer && elected() && !superseded_ && (!election_ || log_->writing());
}

std::string Replica::role() const {
  switch (role_.load()) {
    case Role::writer:
      return "writer";
    case Role::standby:
      return "standby";
    case Role::starting:
      break;
  }
  return "starting";
}

std::optional<std::string> Replica::writer_url() const {
  if (writer()) return options_.advertised_url;
  std::lock_guard lock(url_mutex_);
  // Its own announcement from before it lost the role, or a dead predecessor's at its address
  // (a process restarted in place): no writer to forward to.
  if (writer_url_.empty() || writer_instance_ == options_.instance || writer_url_ == options_.advertised_url)
    return std::nullopt;
  return writer_url_;
}

void Replica::follow() {
  if (!tracked_) return;
  if (tracked_->follows_itself) {
    // The service's follower runs whatever the role, from where the replay ended: followed()
    // moves on from there.
    std::lock_guard lock(followed_mutex_);
    if (following_) return;
    following_ = true;
    auto replayed = tracked_->replayed();
    for (const auto& topic : options_.own_topics)
      if (auto it = replayed.find(topic); it != replayed.end())
        for (const auto& [partition, next] : it->second) {
          auto& mine = followed_[topic][partition];
          mine = std::max(mine, next);
        }
    return;
  }
  events::Positions from;
  auto replayed = tracked_->positions ? tracked_->positions() : tracked_->replayed();
  for (const auto& topic : options_.own_topics)
    if (auto it = replayed.find(topic); it != replayed.end()) from[topic] = it->second;
  {
    std::lock_guard lock(followed_mutex_);
    followed_ = from;
  }
  followed_cv_.notify_all();
  if (!own_) own_ = std::make_unique<Follower>(options_.service + "'s own topics", log_, options_.own_topics);
  own_->start(std::move(from), [this](const events::Record& r) {
    tracked_->apply(r);
    {
      std::lock_guard lock(followed_mutex_);
      events::advance(followed_, r);
    }
    followed_cv_.notify_all();
  });
}

void Replica::followed(const events::Record& record) {
  if (std::find(options_.own_topics.begin(), options_.own_topics.end(), record.topic) == options_.own_topics.end())
    return;
  {
    std::lock_guard lock(followed_mutex_);
    events::advance(followed_, record);
  }
  followed_cv_.notify_all();
}

bool Replica::covers(const events::Positions& wanted) const {
  for (const auto& [topic, partitions] : wanted) {
    if (std::find(options_.own_topics.begin(), options_.own_topics.end(), topic) == options_.own_topics.end())
      continue;  // another service's topic: not this replica's to wait for
    auto t = followed_.find(topic);
    for (const auto& [partition, next] : partitions) {
      if (t == followed_.end()) return false;
      auto p = t->second.find(partition);
      if (p == t->second.end() || p->second < next) return false;
    }
  }
  return true;
}

void Replica::run() {
  while (!stopping_) {
    election_->poll(kElectionPoll);
    bool elected = election_->elected();
    if (role_ == Role::writer && (!elected || !log_->writing() || superseded_)) {
      bool fenced = elected;  // still elected as far as we know, yet another writer fenced us
      demote();
      if (fenced) {
        log::warn("fenced while elected; leaving and rejoining the election", {{"service", options_.service}});
        if (auto s = election_->rejoin(); !s)
          log::error("cannot rejoin the writer election", {{"error", s.error().detail}});
      }
      continue;
    }
    if (role_ != Role::writer && elected) {
      if (!promote()) {
        for (auto waited = std::chrono::milliseconds(0); waited < kRetryPause && !stopping_; waited += kElectionPoll)
          election_->poll(kElectionPoll);
      }
    }
  }
}

bool Replica::promote() {
  auto started = std::chrono::steady_clock::now();
  if (own_) own_->stop();
  auto back_to_standby = [&](const Error& why, const char* step) {
    log::warn("could not become the writer; staying a standby",
              {{"service", options_.service}, {"step", step}, {"error", why.detail}});
    log_->release_writer();
    follow();
    return false;
  };
  if (auto s = log_->acquire_writer(); !s) return back_to_standby(s.error(), "acquire_writer");
  if (tracked_) {
    if (auto s = catch_up(); !s) return back_to_standby(s.error(), "catch up");
  }
  if (auto s = announce(); !s) return back_to_standby(s.error(), "announce");
  if (!election_->elected()) return back_to_standby(Error::unavailable("the role was revoked meanwhile"), "election");
  role_ = Role::writer;
  log::info(
      "this replica is the writer",
      {{"service", options_.service},
       {"instance", options_.instance},
       {"url", options_.advertised_url},
       {"ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()}});
  return true;
}

void Replica::demote() {
  role_ = Role::standby;
  log_->release_writer();
  log::warn("this replica is a standby now", {{"service", options_.service}, {"instance", options_.instance}});
  // The state holds this replica's own appends, at positions the log reported: it reads on from
  // there (another writer may have written since), so following starts where it ends. A service
  // that follows its own topics itself has never stopped following them.
  if (tracked_ && !tracked_->follows_itself) {
    for (;;) {
      auto s = catch_up();
      if (s || stopping_) break;
      log::warn("cannot rebuild the state yet; retrying", {{"service", options_.service}, {"error", s.error().detail}});
      std::this_thread::sleep_for(kRetryPause);
    }
  }
  follow();
}

Status Replica::catch_up() {
  if (tracked_->follows_itself) return wait_for_the_service_to_reach_the_end();
  if (!tracked_->catch_up) return tracked_->resync();
  return tracked_->catch_up(options_.own_topics);
}

// The end of the own topics as the log has it now that the previous writer is fenced (its last
// transaction committed or aborted), read from where the service's follower stands, and then
// that follower's way to it: the state then holds every request any writer committed, so what
// this one decides cannot contradict them, and their Idempotency-Keys are answered from it.
Status Replica::wait_for_the_service_to_reach_the_end() {
  events::Positions end;
  {
    std::lock_guard lock(followed_mutex_);
    end = followed_;
  }
  for (const auto& topic : options_.own_topics) {
    auto from = end[topic];  // a copy: the visitor moves `end` on
    auto read = log_->replay_from(topic, from, [&](const events::Record& r) -> Status {
      events::advance(end, r);
      return {};
    });
    if (!read) return read;
  }
  std::unique_lock lock(followed_mutex_);
  followed_cv_.wait_for(lock, kReachEndWait, [&] { return stopping_ || covers(end); });
  if (!stopping_ && covers(end)) return {};
  return fail(Error::unavailable("the service has not followed its own topics to their end"));
}

Status Replica::announce() {
  events::Event e;
  e.id = new_uuid_v7();
  e.source = "/concord/" + options_.service;
  e.type = "concord." + options_.service + ".writer.elected";
  e.subject = "writer/" + options_.instance;
  e.time = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  e.actor = "system";
  e.data = {{"url", options_.advertised_url}, {"instance", options_.instance}};
  {
    std::lock_guard lock(url_mutex_);
    announcement_id_ = e.id;
    announcement_seen_ = false;
    superseded_ = false;
  }
  auto s = log_->append(options_.leader_topic, options_.service, {e});
  if (s) {
    std::lock_guard lock(url_mutex_);
    writer_url_ = options_.advertised_url;
    writer_instance_ = options_.instance;
  }
  return s;
}

std::string Replica::term() const {
  if (!election_) return process_term_;
  if (!writer()) return {};
  std::lock_guard lock(url_mutex_);
  return announcement_id_;
}

// The first stream the request began (its event of sequence 1) whose kind has an address.
std::optional<std::string> Replica::created_by(const CommittedRequest& request) const {
  for (const auto& e : request.events) {
    if (e.sequence != 1) continue;
    auto slash = e.subject.find('/');
    if (slash == std::string::npos || slash + 1 == e.subject.size()) continue;
    auto address = options_.addresses.find(e.subject.substr(0, slash));
    if (address != options_.addresses.end()) return address->second + e.subject.substr(slash + 1);
  }
  return std::nullopt;
}

std::optional<http::LoggedRequest> Replica::logged(const std::string& key_hash) const {
  if (!answers_from_log()) return std::nullopt;
  auto request = tracked_->committed_request(key_hash);
  if (!request) return std::nullopt;
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : request->events)
    events.push_back({{"id", e.id}, {"type", e.type}, {"subject", e.subject}, {"sequence", e.sequence}});
  nlohmann::json body = {{"status", "committed"},
                         {"detail",
                          "this request was committed before its first response was recorded (its writer stopped), "
                          "so this is not that response: these are the events it wrote; a read that sends this "
                          "answer's Concord-Position as Concord-Min-Position sees them"},
                         {"events", std::move(events)}};
  auto created = created_by(*request);
  if (created) body["location"] = *created;
  auto response = http::Response::json(200, body);
  if (created) response.headers.set("Location", *created);
  if (!request->positions.empty()) response.headers.set(kPositionHeader, format_positions(request->positions));
  return http::LoggedRequest{std::move(request->fingerprint), std::move(response)};
}

http::IdempotencyLedger Replica::idempotency_ledger() {
  return {.term = [this] { return term(); },
          .logged = [this](const http::Request&, const std::string& key_hash) { return logged(key_hash); },
          .enter =
              [](const std::string& key_hash, const std::string& fingerprint) {
                request_stamp() = RequestStamp{key_hash, fingerprint};
              },
          .leave = [] { request_stamp().reset(); }};
}

void Replica::finish(const http::Request& request, http::Response& response) {
  auto& written = written_positions();
  if (!written.empty() && response.status < 300 && request.method != http::Method::get &&
      request.method != http::Method::head)
    response.headers.set(kPositionHeader, format_positions(written));
  written.clear();
}

std::optional<http::Response> Replica::intercept(http::Request& request) {
  written_positions().clear();
  if (request.method == http::Method::get || request.method == http::Method::head) {
    auto header = request.headers.get(kMinPositionHeader);
    if (!header) return std::nullopt;
    auto wanted = parse_positions(*header);
    if (!wanted) return http::Response::problem(wanted.error(), request.path);
    // The writer's state holds every committed request (it caught up when it took the role).
    if (!election_ || writer() || !tracked_) return std::nullopt;
    std::unique_lock lock(followed_mutex_);
    if (followed_cv_.wait_for(lock, options_.min_position_wait, [&] { return covers(*wanted); })) return std::nullopt;
    lock.unlock();
    return unavailable(request, "this replica of " + options_.service + " has not caught up with " +
                                    kMinPositionHeader + " yet; retry shortly");
  }
  if (writer()) return std::nullopt;
  if (!election_) return std::nullopt;
  if (request.headers.get(kForwardedHeader))
    return unavailable(request, "a forwarded write reached a replica of " + options_.service +
                                    " that is not its writer; the writer is changing, retry shortly");
  auto url = writer_url();
  if (!url) return unavailable(request, "no writer of " + options_.service + " is known yet; retry shortly");
  return forward(request, *url);
}

http::Response Replica::forward(const http::Request& request, const std::string& url) {
  http::ClientRequest out;
  out.method = request.method;
  out.url = url + request.target;
  for (const auto& [name, value] : request.headers.fields())
    if (end_to_end(name)) out.headers.add(name, value);
  out.headers.set(kForwardedHeader, options_.instance);
  out.body = request.body;
  out.timeout = options_.forward_timeout;
  out.max_response_body = 64 * 1024 * 1024;
  auto answer = http::fetch(out);
  if (!answer) {
    log::warn("cannot forward a write to the writer",
              {{"service", options_.service}, {"url", url}, {"error", answer.error().detail}});
    return unavailable(request, "the writer of " + options_.service + " cannot be reached; retry shortly");
  }
  http::Response response;
  response.status = answer->status;
  for (const auto& [name, value] : answer->headers.fields())
    if (end_to_end(name)) response.headers.add(name, value);
  response.body = std::move(answer->body);
  return response;
}

}  // namespace concord::service
