#include "concord/console/changes.hpp"

#include <algorithm>

#include "concord/core/log.hpp"
#include "delegations/contract/contract.hpp"
#include "documents/contract/contract.hpp"
#include "scheduling/contract/contract.hpp"

namespace concord::console {
namespace {

// The public topics a visit's changes come from, by the contracts that own them.
const std::vector<std::string> kTopics = {std::string(scheduling::contract::kTopic),
                                          std::string(delegations::contract::kTopic),
                                          std::string(documents::contract::kTopic)};

std::string text(const nlohmann::json& data, const char* field) {
  auto it = data.find(field);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string visit_of(const events::Record& record, std::map<std::string, std::string>& aggregate_visits) {
  const auto& e = record.event;
  std::string visit = text(e.data, "visit_id");
  if (visit.empty() && e.type.starts_with(scheduling::contract::kVisitPrefix)) visit = text(e.data, "id");
  // Scheduling keys its events by visit; delegations and documents by their own aggregate, whose
  // visit an earlier event (its creation) named.
  if (visit.empty() && record.topic == scheduling::contract::kTopic &&
      (e.type.starts_with(scheduling::contract::kMeetingPrefix) ||
       e.type.starts_with(scheduling::contract::kVisitPrefix)))
    visit = record.key;
  if (record.topic != scheduling::contract::kTopic) {
    if (!visit.empty())
      aggregate_visits[record.key] = visit;
    else if (auto it = aggregate_visits.find(record.key); it != aggregate_visits.end())
      visit = it->second;
  }
  return visit;
}

ChangeFeed::ChangeFeed(std::shared_ptr<events::EventLog> log) : log_(std::move(log)) {}
ChangeFeed::~ChangeFeed() {
  stop();
}

Status ChangeFeed::start() {
  events::Positions end;
  for (const auto& topic : kTopics) {
    auto replayed = log_->replay(topic, [&](const events::Record& r) -> Status {
      visit_of(r, aggregate_visits_);
      events::advance(end, r);
      return {};
    });
    if (!replayed) return replayed;
  }
  thread_ = std::thread([this, end] { run(end); });
  return {};
}

void ChangeFeed::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& [visit, streams] : subscribers_)
    for (auto& s : streams) s->close();
  subscribers_.clear();
}

void ChangeFeed::run(events::Positions from) {
  std::unique_ptr<events::Tail> tail;
  while (!stopping_) {
    if (!tail) {
      auto opened = log_->tail(kTopics, from);
      if (!opened) {
        log::warn("console: cannot follow the log; retrying", {{"error", opened.error().detail}});
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      tail = std::move(*opened);
    }
    auto records = tail->poll(std::chrono::milliseconds(200), 500);
    if (!records) {
      log::warn("console: reading the log failed; reopening", {{"error", records.error().detail}});
      tail.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    for (const auto& r : *records) {
      events::advance(from, r);
      auto visit = visit_of(r, aggregate_visits_);
      if (!visit.empty()) publish(visit, r);
    }
  }
}

void ChangeFeed::publish(const std::string& visit, const events::Record& record) {
  http::SseEvent event{
      .id = record.event.id,
      .event = "change",
      .data =
          nlohmann::json{{"type", record.event.type}, {"subject", record.event.subject}, {"visit_id", visit}}.dump()};
  std::lock_guard lock(mutex_);
  auto it = subscribers_.find(visit);
  if (it == subscribers_.end()) return;
  auto& streams = it->second;
  std::erase_if(streams, [&](const auto& s) { return !s->send(event); });
  if (streams.empty()) subscribers_.erase(it);
}

void ChangeFeed::mount(http::Router& router) {
  router.get("/console/v1/visits/{id}/changes", [this](http::Request& req) -> Result<http::Response> {
    std::string visit(req.param("id"));
    auto r = http::Response::event_stream([this, visit](std::shared_ptr<http::EventStream> stream) {
      stream->send({.id = {}, .event = "ready", .data = "{}"});
      std::lock_guard lock(mutex_);
      subscribers_[visit].push_back(stream);
    });
    r.headers.set("Cache-Control", "no-store");
    return r;
  });
}

}  // namespace concord::console
