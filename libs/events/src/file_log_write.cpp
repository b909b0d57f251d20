// The file log: the write queue and group commit, appends, commit_with and committed positions.
#include "file_log_core.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "concord/core/log.hpp"

namespace concord::events::detail {

Status Core::writable_locked() const {
  if (closed_) return fail(unavailable("the event log is closed"));
  if (poisoned_) return fail(poison_);
  return {};
}

void Core::poison(const Error& why) {
  std::lock_guard lk(mu_);
  if (poisoned_) return;
  poisoned_ = true;
  poison_ = unavailable("the event log stopped taking writes after a failed sync (" + why.detail +
                        "); restart the process to recover from the files");
  log::error("file event log poisoned", {{"directory", dir_.string()}, {"reason", why.detail}});
}

Result<Topic*> Core::topic_for_write_locked(std::string_view name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    if (!valid_topic_name(name)) return fail(rejected("'" + std::string(name) + "' is not a valid topic name"));
    return fail(rejected("topic '" + std::string(name) + "' does not exist; create it with ensure_topics first"));
  }
  return it->second.get();
}

Status Core::append_all(const std::vector<Append>& appends) {
  // One record per topic, in the order topics first appear: each is all-or-nothing on its own,
  // and the round cuts every one of them off again if any fails.
  std::vector<std::pair<std::string_view, RecordBuilder>> records;
  std::vector<std::uint32_t> counts;
  for (const auto& a : appends) {
    if (a.events.empty()) continue;
    auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.first == a.topic; });
    if (it == records.end()) {
      records.emplace_back(a.topic, RecordBuilder{});
      counts.push_back(0);
      it = records.end() - 1;
    }
    auto& count = counts[static_cast<size_t>(it - records.begin())];
    for (size_t i = 0; i < a.events.size(); ++i) {
      if (auto st = validate(a.events[i]); !st)
        return fail(rejected("event " + std::to_string(i) + " of the append to " + a.topic +
                             " is invalid: " + st.error().detail));
      it->second.add(a.key, serialize(a.events[i]));
      ++count;
    }
    if (it->second.body_size() > kMaxBody)
      return fail(rejected("the append to " + a.topic + " is " + std::to_string(it->second.body_size()) +
                           " bytes, more than the " + std::to_string(kMaxBody) + " one append may hold"));
  }
  if (records.empty()) return {};
  Step step;
  {
    std::lock_guard lk(mu_);
    for (size_t i = 0; i < records.size(); ++i) {
      auto t = topic_for_write_locked(records[i].first);
      if (!t) return fail(t.error());
      step.writes.push_back(Write{*t, std::move(records[i].second).finish(), counts[i]});
    }
  }
  return submit(step);
}

Status Core::submit(Step& step) {
  std::unique_lock lk(mu_);
  if (auto st = writable_locked(); !st) return st;
  queue_.push_back(&step);
  while (!step.done) {
    if (writing_) {
      written_cv_.wait(lk);
      continue;
    }
    writing_ = true;
    std::vector<Step*> round;
    if (queue_.front()->transaction) {
      round.push_back(queue_.front());
      queue_.pop_front();
    } else {
      while (!queue_.empty() && !queue_.front()->transaction && (group_commit_ || round.empty())) {
        round.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    if (auto st = writable_locked(); !st) {
      for (Step* s : round) s->result = st;
    } else {
      lk.unlock();
      run_round(round);
      lk.lock();
    }
    for (Step* s : round) {
      if (s->result) {
        for (const auto& w : s->writes) {
          w.topic->publish(w.record.size(), w.count);
          w.topic->appended->inc(w.count);
        }
        if (s->transaction) {
          auto& g = groups_[s->group];
          g.committed_txn = g.last_seq = s->seq;
          g.has_file = true;
          g.positions = s->positions;
        }
      }
      s->done = true;
    }
    writing_ = false;
    written_cv_.notify_all();
    data_cv_.notify_all();
  }
  return std::move(step.result);
}

// Writes each topic's parts at its end; `written` lists the topics touched and their old ends.
Status Core::write_records(const std::vector<std::pair<Topic*, std::vector<iovec>>>& parts,
                           std::vector<std::pair<Topic*, std::uint64_t>>& written) {
  for (const auto& [topic, iov] : parts) {
    written.emplace_back(topic, topic->end);
    std::uint64_t bytes = 0;
    for (const auto& v : iov) bytes += v.iov_len;
    if (auto st = write_at(topic->fd.get(), topic->path, iov, static_cast<off_t>(topic->end)); !st) return st;
    topic->end += bytes;
  }
  for (const auto& [topic, old_end] : written) {
    auto start = std::chrono::steady_clock::now();
    auto st = sync_data(topic->fd.get(), topic->path);
    sync_seconds_->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!st) {
      poison(st.error());
      return st;
    }
  }
  return {};
}

// Cuts the topics back to where they were before a failed round, durably, so that no later
// record ever follows the failed one; if that fails too, the log stops taking writes.
Status Core::roll_back(const std::vector<std::pair<Topic*, std::uint64_t>>& written) {
  Status result;
  for (const auto& [topic, old_end] : written) {
    auto st = truncate_to(topic->fd.get(), topic->path, static_cast<off_t>(old_end));
    if (st && ::fsync(topic->fd.get()) != 0) st = fail(io_error("syncing", topic->path, errno));
    if (!st) {
      poison(st.error());
      result = st;
    } else {
      topic->end = old_end;
    }
  }
  return result;
}

void Core::run_round(std::vector<Step*>& round) {
  std::vector<std::pair<Topic*, std::vector<iovec>>> parts;
  for (Step* s : round) {
    for (auto& w : s->writes) {
      auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == w.topic; });
      if (it == parts.end()) it = parts.insert(parts.end(), {w.topic, {}});
      it->second.push_back(iovec{w.record.data(), w.record.size()});
    }
  }
  std::vector<std::pair<Topic*, std::uint64_t>> written;
  Status st = write_records(parts, written);
  if (st && round.front()->transaction) {
    Step& s = *round.front();
    bool renamed = false;
    st = replace_file_atomically(group_path(s.group), positions_document(s.group, s.seq, s.positions), &renamed);
    if (!st && renamed) {
      // Only the directory's fsync failed: whether the commit survives a crash is unknown.
      poison(st.error());
      for (const auto& [topic, old_end] : written) topic->end = old_end;  // never publish it here
      for (Step* x : round) x->result = st;
      return;
    }
  }
  if (!st) roll_back(written);
  for (Step* s : round) s->result = st;
}

Result<std::vector<Write>> Core::encode_outputs(const std::vector<Output>& outputs, const TxnTag* tag) {
  std::vector<std::pair<std::string, RecordBuilder>> builders;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& o = outputs[i];
    if (auto st = validate(o.event); !st)
      return fail(rejected("output " + std::to_string(i) + " (to " + o.topic + ") is invalid: " + st.error().detail));
    auto it = std::find_if(builders.begin(), builders.end(), [&](const auto& b) { return b.first == o.topic; });
    if (it == builders.end()) it = builders.insert(builders.end(), {o.topic, RecordBuilder(tag)});
    it->second.add(o.key, serialize(o.event));
  }
  std::vector<Write> writes;
  std::lock_guard lk(mu_);
  for (auto& [name, builder] : builders) {
    auto t = topic_for_write_locked(name);
    if (!t) return fail(t.error());
    if (builder.body_size() > kMaxBody)
      return fail(rejected("the outputs to " + name + " are too large for one record"));
    auto count = builder.count();
    writes.push_back(Write{*t, std::move(builder).finish(), count});
  }
  return writes;
}

// ---------------------------------------------------------------------------------------------
// Groups

Result<std::map<std::string, long long>> Core::join(const std::string& group) {
  std::lock_guard lk(mu_);
  if (auto st = writable_locked(); !st) return fail(st.error());
  auto& g = groups_[group];
  if (g.active) return fail(rejected("consumer group '" + group + "' already has a live subscription in this process"));
  if (!g.has_file) {
    // Created before anything is consumed, so a transaction of this group can always be judged.
    if (auto st = replace_file_atomically(group_path(group), positions_document(group, g.committed_txn, g.positions));
        !st)
      return fail(st.error());
    g.has_file = true;
  }
  g.active = true;
  return g.positions;
}

void Core::leave(const std::string& group) {
  std::lock_guard lk(mu_);
  groups_[group].active = false;
}

std::map<std::string, long long> Core::committed(const std::string& group) {
  std::lock_guard lk(mu_);
  return groups_[group].positions;
}

Status Core::commit_positions(const std::string& group, const std::map<std::string, long long>& positions) {
  std::uint64_t txn;
  std::map<std::string, long long> merged;
  {
    std::lock_guard lk(mu_);
    if (auto st = writable_locked(); !st) return st;
    const auto& g = groups_[group];
    txn = g.committed_txn;
    merged = g.positions;
  }
  for (const auto& [topic, pos] : positions) merged[topic] = pos;
  if (auto st = replace_file_atomically(group_path(group), positions_document(group, txn, merged)); !st) return st;
  std::lock_guard lk(mu_);
  groups_[group].positions = std::move(merged);
  return {};
}

Status Core::commit_transaction(const std::string& group, const std::vector<Output>& outputs,
                                const std::map<std::string, long long>& positions) {
  if (outputs.empty()) return commit_positions(group, positions);
  Step step;
  step.transaction = true;
  step.group = group;
  {
    std::lock_guard lk(mu_);
    if (auto st = writable_locked(); !st) return st;
    const auto& g = groups_[group];
    step.seq = std::max(g.committed_txn, g.last_seq) + 1;
    step.positions = g.positions;
  }
  for (const auto& [topic, pos] : positions) step.positions[topic] = pos;
  TxnTag tag{group, step.seq};
  auto writes = encode_outputs(outputs, &tag);
  if (!writes) return fail(writes.error());
  step.writes = std::move(*writes);
  return submit(step);
}

}  // namespace concord::events::detail
