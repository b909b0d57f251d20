#include "concord/notifications/service.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/routes.hpp"
#include "concord/core/log.hpp"
#include "embedded_messages.hpp"
#include "live.hpp"
#include "processor.hpp"

namespace concord::notifications {

namespace {

// The built-in catalogues, plus (overriding them) every <lang>.json of
// CONCORD_NOTIFICATIONS_MESSAGES_DIR when it is set: a language is added without a rebuild.
Catalogues load_catalogues(const Env& env) {
  auto files = embedded_message_files();
  if (auto dir = env.get("CONCORD_NOTIFICATIONS_MESSAGES_DIR")) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(*dir, ec)) {
      if (entry.path().extension() != ".json") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      files[entry.path().stem().string()] = text.str();
    }
    if (ec) throw ConfigError("CONCORD_NOTIFICATIONS_MESSAGES_DIR: cannot read " + *dir + ": " + ec.message());
  }
  auto catalogues = Catalogues::load(files);
  if (!catalogues) throw ConfigError("notification message catalogues: " + catalogues.error().detail);
  return std::move(*catalogues);
}

Settings settings_of(const Env& env) {
  Settings s;
  auto text = env.string("CONCORD_REMINDER_OFFSETS", "24h,1h");
  auto offsets = parse_offsets(text);
  if (!offsets)
    throw ConfigError("CONCORD_REMINDER_OFFSETS: expected durations such as \"24h,1h\" or \"90m\", got \"" + text + "\"");
  s.reminder_offsets = *offsets;
  // Records routed and committed per step (one commit_with each).
  s.batch = static_cast<size_t>(env.integer("CONCORD_NOTIFICATIONS_BATCH", 1000, 1, 100000));
  return s;
}

class NotificationsService final : public service::Service {
 public:
  explicit NotificationsService(service::ServiceContext& ctx)
      : shared_(ctx.log, ctx.cache, ctx.clock, ctx.ids, load_catalogues(ctx.env), settings_of(ctx.env)),
        live_(shared_) {
    shared_.live = &live_;
  }
  ~NotificationsService() override { stop(); }

  void mount(http::Router& router) override {
    api::mount_inbox(router, shared_, live_);
    api::mount_preferences(router, shared_);
  }

  // The inbox from our own topic (only committed events: the log replays nothing else), then
  // the views from the three consumed topics. The views may run ahead of the consumer group's
  // position: folding is idempotent, and what the processor then routes is judged against the
  // latest directory (a member's later language change already applies).
  Status recover() override {
    std::unique_lock lock(shared_.mutex);
    auto own = shared_.log->replay(kTopic, [&](const events::Record& r) -> Status {
      evolve(shared_.state.inbox, incoming_of(r.event));
      return {};
    });
    if (!own) return own;
    for (const auto& topic : kConsumedTopics) {
      auto s = shared_.log->replay(topic, [&](const events::Record& r) -> Status {
        evolve(shared_.state.views, incoming_of(r.event));
        return {};
      });
      if (!s) return s;
    }
    log::info("notifications state rebuilt", {{"notifications", shared_.state.inbox.notifications.size()},
                                               {"members", shared_.state.views.members.size()},
                                               {"meetings", shared_.state.views.meetings.size()}});
    return {};
  }

  void start() override {
    live_.subscribe();
    processor_ = std::make_unique<Processor>(shared_);
    processor_->start();
  }

  void stop() override {
    if (processor_) processor_->stop();
    processor_.reset();
  }

 private:
  Shared shared_;
  Live live_;
  std::unique_ptr<Processor> processor_;
};

}  // namespace

std::unique_ptr<service::Service> make_service(service::ServiceContext& context) {
  return std::make_unique<NotificationsService>(context);
}

}  // namespace concord::notifications
