#pragma once
// Webhook deliveries: a consumer group of its own (kWebhookGroup) on the consumed topics and our
// own, so an integrator can subscribe to any public event. Each matching event is POSTed, signed,
// with the CloudEvent as the body; the outcome of each first attempt is appended together with
// the consumed positions (commit_with), retries follow the bounded schedule from the state
// folded off the topic (so they survive restarts), and after the last failure the delivery is
// dead-lettered to concord.webhooks.dlq.v1 and the subscription marked failing. A delivery id is
// stable per (webhook, event): every attempt carries the same webhook-id, and the cache remembers
// what was delivered so a batch polled again after a crash does not send it twice.
#include <atomic>
#include <memory>
#include <thread>

#include "concord/events/event_log.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications {

class Deliverer {
 public:
  explicit Deliverer(Shared& shared);
  ~Deliverer();
  void start();
  void stop();
  // One turn of the loop run() repeats: step(wait), then retry_due() (its failure is logged:
  // the retries stay due). Returns step's count, or its error. Tests call it instead of waiting.
  Result<size_t> iterate(std::chrono::milliseconds wait);
  Result<size_t> step(std::chrono::milliseconds wait);  // first attempts of one polled batch
  Result<size_t> retry_due();                           // the retries that are due now

 private:
  struct Outcome {
    std::vector<events::Output> outputs;
    // Dead letters whose webhook is to be marked failing: decided against the committed state
    // with the handlers' writes held off (commit_decided), so several deliveries dying together
    // (or an API change of the webhook at the same time) never give it two events with one
    // version.
    struct Failing {
      std::string webhook_id;
      std::string delivery_id;
      std::string reason;
      std::string cause_event_id;
    };
    std::vector<Failing> failing;
  };
  Status open();  // joins kWebhookGroup
  void attempt(Delivery& d, const Webhook& w, Outcome& out);
  // out.outputs with the webhook.failing events its dead letters call for, decided on `state`.
  std::vector<events::Output> with_failing_marks(const State& state, Outcome& out);
  void run();

  Shared& shared_;
  std::unique_ptr<events::Subscription> subscription_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace concord::notifications
