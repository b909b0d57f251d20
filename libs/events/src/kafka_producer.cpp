// One transaction, as run by the thread that leads the group commit:
//   prepare       replace the producer if it was left in an unknown state; init_transactions
//                 (fences any older instance; resumable after a timeout)
//   begin, produce every record of the batch (key, CloudEvent, content-type/ce_type/ce_id)
//   send_offsets  commit_with only: the consumer's positions, in the same transaction
//   flush         every record acknowledged (acks=all) before the commit is asked for, so that
//                 a broker out of reach ends in an abort that is certain to leave nothing
//   commit        one round trip to the coordinator
// Errors: a fatal one is `fenced` for good (a new producer would fence the writer that took
// over); an abortable one aborts and is `unavailable`; a timeout aborts, and if even the abort
// cannot be confirmed the producer is replaced on the next call: its init_transactions makes
// the coordinator abort whatever was left open. Everything is bounded by the earliest deadline
// of the batch, plus abort_grace for the abort.
#include "kafka_producer.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "concord/core/log.hpp"
#include "kafka_metrics.hpp"
#include "transaction_gap.hpp"

namespace concord::events::kafka {
namespace {

using Clock = std::chrono::steady_clock;

// librdkafka's default message.max.bytes; the broker's default record batch limit is a little
// larger, so a record under this always fits.
constexpr size_t kMaxRecordBytes = 1000000;
constexpr size_t kHeaderAllowance = 1024;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count());
}

Settings producer_settings(const KafkaOptions& o) {
  // A short transaction timeout (subscriptions' producers) bounds how long a killed instance's
  // open transaction holds readers; a transaction that outlives it is aborted by the broker and
  // this producer is fenced (the subscription then starts a new one).
  auto txn_timeout = o.transaction_timeout.count() > 0
                         ? std::max<long long>(o.transaction_timeout.count(), 1000)
                         : std::clamp<long long>(3 * o.append_timeout.count(), 60000, 900000);
  Settings settings{
      {"bootstrap.servers", o.brokers},
      {"client.id", o.client_id.empty() ? o.transactional_id : o.client_id},
      {"transactional.id", o.transactional_id},
      {"enable.idempotence", "true"},  // implies acks=all, at most 5 in flight, unlimited retries
      // Java-compatible: a key lands on the same partition whichever client wrote it.
      {"partitioner", "murmur2_random"},
      {"linger.ms", "1"},
      {"message.timeout.ms", std::to_string(std::min<long long>(o.append_timeout.count(), txn_timeout))},
      {"transaction.timeout.ms", std::to_string(txn_timeout)},
      // Come back quickly after a broker outage.
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  // Security and site settings (SASL, TLS) from the deployment, applied to every client.
  settings.insert(settings.end(), o.client_settings.begin(), o.client_settings.end());
  return settings;
}

}  // namespace

Result<std::vector<OutMessage>> to_messages(std::string_view topic, std::string_view key,
                                            const std::vector<Event>& events) {
  std::vector<OutMessage> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    if (auto valid = validate(e); !valid) {
      return fail(log_error(LogFailure::rejected, "invalid event in an append: " + valid.error().detail));
    }
    OutMessage m{std::string(topic), std::string(key), serialize(e), e.type, e.id};
    if (m.value.size() + m.key.size() + m.type.size() + m.id.size() + kHeaderAllowance > kMaxRecordBytes) {
      return fail(log_error(LogFailure::rejected, "event " + e.id + " is " + std::to_string(m.value.size()) +
                                                      " bytes, more than a Kafka record may hold"));
    }
    out.push_back(std::move(m));
  }
  return out;
}

TxnProducer::TxnProducer(KafkaOptions options) : options_(std::move(options)) {}

TxnProducer::~TxnProducer() = default;

Status TxnProducer::start(bool strict) {
  auto deadline = Clock::now() + options_.append_timeout;
  std::lock_guard lock(mutex_);
  auto s = prepare(deadline);
  if (!s && !strict && failure_of(s.error()) == LogFailure::unavailable) {
    log::warn("Kafka transactional producer not initialized yet; the first append retries",
              {{"transactional_id", options_.transactional_id}, {"error", s.error().detail}});
    return {};
  }
  return s;
}

Status TxnProducer::append(std::vector<OutMessage> messages) {
  Request r;
  r.messages = std::move(messages);
  return submit(r);
}

Result<Positions> TxnProducer::append_at(std::vector<OutMessage> messages) {
  Request r;
  r.messages = std::move(messages);
  if (auto s = submit(r); !s) return fail(s.error());
  return std::move(r.positions);
}

Status TxnProducer::commit_with(std::vector<OutMessage> messages, const rd_kafka_topic_partition_list_t* offsets,
                                const rd_kafka_consumer_group_metadata_t* group) {
  Request r;
  r.messages = std::move(messages);
  r.offsets = offsets;
  r.group = group;
  return submit(r);
}

Status TxnProducer::submit(Request& r) {
  r.start = Clock::now();
  r.deadline = r.start + options_.append_timeout;
  std::unique_lock lock(mutex_);
  queue_.push_back(&r);
  while (!r.done) {
    if (!busy_) {
      // Lead: run the next transaction for whoever is queued, then look again. The queue stays
      // open until the transaction may begin, so what arrives meanwhile goes out in it.
      busy_ = true;
      if (auto ready = next_transaction_at(), now = Clock::now(); ready > now) {
        lock.unlock();
        std::this_thread::sleep_until(ready);
        lock.lock();
        metrics::transaction_step("gap", seconds_since(now));
      }
      auto batch = take_batch();
      lock.unlock();
      Status s = run(batch);
      lock.lock();
      for (Request* q : batch) {
        q->status = s;
        if (s) q->positions = transaction_positions_;
        q->done = true;
      }
      busy_ = false;
      changed_.notify_all();
      continue;
    }
    if (changed_.wait_until(lock, r.deadline) == std::cv_status::timeout && !r.done) {
      auto it = std::find(queue_.begin(), queue_.end(), &r);
      if (it != queue_.end()) {  // not taken into a transaction yet: give up
        queue_.erase(it);
        return fail(log_error(LogFailure::unavailable,
                              "the event log's producer stayed busy for " + ms(options_.append_timeout) + " ms"));
      }
      // Taken: its transaction is bounded by this request's deadline; wait for the outcome.
      changed_.wait(lock, [&] { return r.done; });
    }
  }
  return r.status;
}

Clock::time_point TxnProducer::next_transaction_at() const {
  return Clock::time_point(Clock::duration(ended_at_.load())) + gap();
}

void TxnProducer::adapt_gap(Clock::duration acks) {
  gap_us_ = next_transaction_gap(gap(), acks, options_.transaction_gap).count();
}

std::vector<TxnProducer::Request*> TxnProducer::take_batch() {
  std::vector<Request*> batch{queue_.front()};
  queue_.pop_front();
  if (batch.front()->offsets != nullptr) return batch;  // commit_with runs alone
  size_t events = batch.front()->messages.size();
  while (!queue_.empty() && queue_.front()->offsets == nullptr &&
         events + queue_.front()->messages.size() <= options_.max_group_events) {
    events += queue_.front()->messages.size();
    batch.push_back(queue_.front());
    queue_.pop_front();
  }
  return batch;
}

Status TxnProducer::run(const std::vector<Request*>& batch) {
  auto deadline = batch.front()->deadline;
  for (Request* r : batch) deadline = std::min(deadline, r->deadline);
  Status s = transact(batch, deadline);
  ended_at_ = Clock::now().time_since_epoch().count();
  metrics::transaction(s.has_value());
  if (s) {
    adapt_gap(acks_);
    auto now = Clock::now();
    std::map<std::string, size_t> per_topic;
    for (Request* r : batch) {
      for (const auto& m : r->messages) ++per_topic[m.topic];
      if (!r->messages.empty()) {
        metrics::append_latency(r->messages.front().topic, std::chrono::duration<double>(now - r->start).count());
      }
    }
    for (const auto& [topic, n] : per_topic) metrics::produced(topic, n);
  }
  return s;
}

Status TxnProducer::transact(const std::vector<Request*>& batch, Clock::time_point deadline) {
  auto step_start = Clock::now();
  auto step_done = [&](const char* step) {
    metrics::transaction_step(step, seconds_since(step_start));
    step_start = Clock::now();
  };
  if (auto s = prepare(deadline); !s) return s;
  rd_kafka_t* rk = rk_.get();
  if (ErrorPtr e{rd_kafka_begin_transaction(rk)}) {
    if (auto f = check_fatal(e.get()); !f) return f;
    broken_ = true;
    return fail(unavailable("cannot begin a Kafka transaction", e.get()));
  }
  delivery_error_ = 0;
  ++transaction_number_;
  transaction_positions_.clear();
  step_done("begin");
  for (const Request* r : batch) {
    for (const auto& m : r->messages) {
      if (auto s = produce(m, deadline); !s) return abort(std::move(s.error()));
    }
  }
  for (const Request* r : batch) {
    if (r->offsets == nullptr || r->offsets->cnt == 0) continue;
    ErrorPtr e{rd_kafka_send_offsets_to_transaction(rk, r->offsets, r->group, std::max(1, remaining_ms(deadline)))};
    if (e) {
      if (auto f = check_fatal(e.get()); !f) return f;
      return abort(unavailable("cannot add the consumer's offsets to the transaction", e.get()));
    }
  }
  step_done("produce");
  // Wait for every record to be acknowledged before committing: if the broker is out of reach
  // the commit was never requested, so aborting is certain to leave nothing behind.
  auto flushed = rd_kafka_flush(rk, std::max(1, remaining_ms(deadline)));
  acks_ = Clock::now() - step_start;
  step_done("acks");
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return abort(log_error(LogFailure::unavailable,
                           "Kafka did not acknowledge the events within " + ms(options_.append_timeout) + " ms"));
  }
  if (auto err = static_cast<rd_kafka_resp_err_t>(delivery_error_.load())) {
    char reason[512];
    if (rd_kafka_fatal_error(rk, reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR) return fail(mark_fenced(reason));
    if (is_rejection(err)) {
      return abort(log_error(LogFailure::rejected, std::string("Kafka refused the events: ") + rd_kafka_err2str(err)));
    }
    return abort(unavailable("Kafka did not take the events", err));
  }
  if (options_.before_commit_for_testing) options_.before_commit_for_testing();
  // The records are in; the commit is one round trip to the coordinator. Give it at least the
  // abort grace so a slow moment does not turn a good transaction into an unknown outcome.
  int commit_ms = std::max(remaining_ms(deadline), static_cast<int>(options_.abort_grace.count()));
  ErrorPtr e{rd_kafka_commit_transaction(rk, commit_ms)};
  step_done("commit");
  if (!e) return {};
  if (auto f = check_fatal(e.get()); !f) return f;
  if (rd_kafka_error_txn_requires_abort(e.get())) {
    return abort(unavailable("the Kafka transaction could not be committed", e.get()));
  }
  // Timed out with the commit possibly under way: only the coordinator knows. Replacing the
  // producer (init_transactions with the same transactional id) settles it either way.
  broken_ = true;
  log::error("Kafka commit not confirmed; the producer will be replaced",
             {{"transactional_id", options_.transactional_id}, {"error", rd_kafka_error_string(e.get())}});
  Error unknown =
      unavailable("the Kafka commit was not confirmed (its outcome is unknown until Kafka is back)", e.get());
  unknown.extensions["commit_outcome"] = "unknown";
  return fail(std::move(unknown));
}

Status TxnProducer::prepare(Clock::time_point deadline) {
  if (fenced_) return fail(fenced_error());
  if (broken_ || !rk_) {
    if (rk_) {
      auto t0 = Clock::now();
      rk_.reset();
      log::info("replaced the Kafka transactional producer",
                {{"transactional_id", options_.transactional_id},
                 {"destroy_ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()}});
    }
    auto client = make_client(RD_KAFKA_PRODUCER, producer_settings(options_), this, &TxnProducer::on_delivery);
    if (!client) return fail(client.error());
    rk_ = std::move(*client);
    known_topics_.clear();
    initialized_ = false;
    broken_ = false;
  }
  if (!initialized_) {
    int left = remaining_ms(deadline);
    if (left <= 0) return fail(log_error(LogFailure::unavailable, "no time left to initialize Kafka transactions"));
    if (ErrorPtr e{rd_kafka_init_transactions(rk_.get(), left)}) {
      if (auto f = check_fatal(e.get()); !f) return f;
      // Retriable (a timeout): init_transactions resumes where it was on the next call.
      if (!rd_kafka_error_is_retriable(e.get())) broken_ = true;
      return fail(unavailable("cannot initialize Kafka transactions", e.get()));
    }
    initialized_ = true;
  }
  return {};
}

// librdkafka learns of a topic it has not produced to on a timer (about a second) before the
// first record can be given a partition; asking for its metadata first saves that second.
void TxnProducer::learn_topic(const std::string& topic, Clock::time_point deadline) {
  if (known_topics_.contains(topic)) return;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
  if (rkt == nullptr) return;
  const rd_kafka_metadata_t* raw = nullptr;
  auto err = rd_kafka_metadata(rk_.get(), 0, rkt, &raw, std::clamp(remaining_ms(deadline), 1, 5000));
  MetadataPtr md(raw);
  rd_kafka_topic_destroy(rkt);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    known_topics_.insert(topic);
  }
}

Status TxnProducer::produce(const OutMessage& m, Clock::time_point deadline) {
  learn_topic(m.topic, deadline);
  for (;;) {
    auto err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(m.topic.c_str()), RD_KAFKA_V_KEY(m.key.data(), m.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADER("content-type", kContentType.data(), static_cast<ssize_t>(kContentType.size())),
        RD_KAFKA_V_HEADER("ce_type", m.type.data(), static_cast<ssize_t>(m.type.size())),
        RD_KAFKA_V_HEADER("ce_id", m.id.data(), static_cast<ssize_t>(m.id.size())),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(transaction_number_)), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && remaining_ms(deadline) > 0) {
      rd_kafka_poll(rk_.get(), 10);  // serve delivery reports to make room
      continue;
    }
    char reason[512];
    if (rd_kafka_fatal_error(rk_.get(), reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return fail(mark_fenced(reason));
    }
    if (is_rejection(err)) {
      return fail(log_error(LogFailure::rejected, std::string("Kafka refused an event: ") + rd_kafka_err2str(err)));
    }
    return fail(unavailable("cannot produce to " + m.topic, err));
  }
}

Status TxnProducer::abort(Error cause) {
  if (fenced_) return fail(fenced_error());
  if (ErrorPtr e{rd_kafka_abort_transaction(rk_.get(), static_cast<int>(options_.abort_grace.count()))}) {
    if (auto f = check_fatal(e.get()); !f) return f;
    // Most likely the broker is out of reach: the coordinator aborts the transaction when the
    // replacement producer runs init_transactions (or when the transaction times out).
    broken_ = true;
    log::warn("Kafka transaction abort not confirmed; the producer will be replaced",
              {{"transactional_id", options_.transactional_id}, {"error", rd_kafka_error_string(e.get())}});
  }
  return fail(std::move(cause));
}

Status TxnProducer::check_fatal(const rd_kafka_error_t* err) {
  if (!rd_kafka_error_is_fatal(err)) return {};
  return fail(mark_fenced(rd_kafka_error_string(err)));
}

// A fatal producer error: with a fixed transactional id that means another instance took over
// (or the broker no longer lets this one write). Either way this producer must stop, and must
// not be replaced, which would fence the new writer in turn.
Error TxnProducer::mark_fenced(std::string reason) {
  fenced_detail_ = std::move(reason);
  fenced_ = true;
  log::error("Kafka producer fenced: another writer took over this transactional id",
             {{"transactional_id", options_.transactional_id}, {"reason", fenced_detail_}});
  return fenced_error();
}

Error TxnProducer::fenced_error() {
  return log_error(LogFailure::fenced, "another writer with transactional id " + options_.transactional_id +
                                           " took over (" + fenced_detail_ + ")");
}

void TxnProducer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<TxnProducer*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Served on the thread running the transaction (flush, poll), which reads them after it.
    if (reinterpret_cast<uintptr_t>(m->_private) != self->transaction_number_ || m->rkt == nullptr) return;
    auto& next = self->transaction_positions_[rd_kafka_topic_name(m->rkt)][m->partition];
    next = std::max<long long>(next, m->offset + 1);
    return;
  }
  int expected = 0;
  self->delivery_error_.compare_exchange_strong(expected, static_cast<int>(m->err));
}

}  // namespace concord::events::kafka
