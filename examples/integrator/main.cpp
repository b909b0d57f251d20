// concord-integrator: an example of a system integrating with Concord through Kafka.
//
// It reads Concord's four public topics from the beginning with isolation.level=read_committed
// (so it only ever sees events whose transaction committed) and prints every record as one JSON
// line on stdout:
//
//   {"topic": "...", "partition": 0, "offset": 12, "key": "<aggregate id>", "event": {CloudEvent}}
//
// By default it stops once it has read every partition up to the end offsets it saw at start;
// with --follow it keeps printing new events until SIGINT/SIGTERM. A real integrator would
// upsert the snapshot each event carries (DESIGN: every event carries its aggregate's public
// snapshot) and dedupe on the event's `id`.
//
// Only librdkafka's C API and nlohmann/json: copy this file into your own project.
#include <librdkafka/rdkafka.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

const std::vector<std::string> kPublicTopics = {
    "concord.scheduling.v1",
    "concord.delegations.v1",
    "concord.documents.v1",
    "concord.notifications.v1",
};

struct Options {
  std::string brokers;
  std::vector<std::string> topics;
  bool follow = false;
  int timeout_ms = 60000;  // without --follow: give up when the end is not reached by then
  std::vector<std::pair<std::string, std::string>> config;
};

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: concord-integrator [--brokers host:port,...] [--topic name]... [--follow]\n"
               "                          [--timeout seconds] [-X librdkafka.property=value]...\n"
               "  --brokers   Kafka bootstrap servers (default: $KAFKA_BROKERS)\n"
               "  --topic     a topic to read (repeatable; default: the four public topics)\n"
               "  --follow    keep reading new events after the end offsets seen at start\n"
               "  --timeout   without --follow, fail if the end is not reached in time (default 60)\n"
               "  -X k=v      any librdkafka setting, e.g. -X security.protocol=SASL_SSL\n"
               "Prints one JSON line per event on stdout: topic, partition, offset, key, event.\n");
}

bool parse(int argc, char** argv, Options& o) {
  if (const char* b = std::getenv("KAFKA_BROKERS")) o.brokers = b;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--follow") {
      o.follow = true;
    } else if (a == "--brokers") {
      if (!value(o.brokers)) return false;
    } else if (a == "--topic") {
      if (!value(v)) return false;
      o.topics.push_back(v);
    } else if (a == "--timeout") {
      if (!value(v)) return false;
      char* end = nullptr;
      long s = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || s <= 0) return false;
      o.timeout_ms = static_cast<int>(s * 1000);
    } else if (a == "-X") {
      if (!value(v)) return false;
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return false;
      o.config.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else {
      return false;
    }
  }
  if (o.topics.empty()) o.topics = kPublicTopics;
  return !o.brokers.empty();
}

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};
using Consumer = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

bool set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "concord-integrator: %s=%s: %s\n", key.c_str(), value.c_str(), err);
    return false;
  }
  return true;
}

std::string as_text(const void* data, size_t size) {
  return data ? std::string(static_cast<const char*>(data), size) : std::string();
}

// One record as the JSON line this program prints. The value of a Concord record is a
// structured-mode CloudEvent; a value that does not parse is printed as text under "raw".
nlohmann::json line_of(const rd_kafka_message_t* m) {
  nlohmann::json out;
  out["topic"] = rd_kafka_topic_name(m->rkt);
  out["partition"] = m->partition;
  out["offset"] = m->offset;
  out["key"] = m->key ? nlohmann::json(as_text(m->key, m->key_len)) : nlohmann::json(nullptr);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers) {
    nlohmann::json h = nlohmann::json::object();
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      h[name] = as_text(value, size);
    }
    out["headers"] = std::move(h);
  }
  std::string value = as_text(m->payload, m->len);
  auto event = nlohmann::json::parse(value, nullptr, false);
  if (event.is_discarded()) {
    out["raw"] = value;
  } else {
    out["event"] = std::move(event);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse(argc, argv, opt)) {
    usage(stderr);
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // No consumer group is joined (partitions are assigned explicitly) and nothing is committed:
  // every run reads from the beginning. The group id only names this client to the broker (and
  // to its ACLs: an integrator's group ids begin with its Kafka user name).
  bool ok = set(conf, "bootstrap.servers", opt.brokers) && set(conf, "group.id", "concord-integrator-example") &&
            set(conf, "enable.auto.commit", "false") && set(conf, "enable.auto.offset.store", "false") &&
            set(conf, "isolation.level", "read_committed") && set(conf, "enable.partition.eof", "true") &&
            set(conf, "auto.offset.reset", "earliest") && set(conf, "client.id", "concord-integrator-example");
  for (const auto& [k, v] : opt.config) ok = ok && set(conf, k, v);
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return 2;
  }
  char err[512];
  rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!raw) {
    std::fprintf(stderr, "concord-integrator: %s\n", err);
    rd_kafka_conf_destroy(conf);
    return 1;
  }
  Consumer consumer(raw);
  rd_kafka_poll_set_consumer(raw);

  // Every partition of every topic, from the beginning; and, unless following, the end offset
  // (high watermark) of each as it is now: reading stops there.
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(16);
  std::map<std::pair<std::string, int32_t>, int64_t> remaining;  // partition → end offset
  for (const auto& topic : opt.topics) {
    rd_kafka_topic_t* t = rd_kafka_topic_new(raw, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(raw, 0, t, &md, 10000);
    rd_kafka_topic_destroy(t);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "concord-integrator: metadata of %s: %s\n", topic.c_str(), rd_kafka_err2str(e));
      rd_kafka_topic_partition_list_destroy(assignment);
      return 1;
    }
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      // A service creates its topic when it first starts: until then there is nothing to read.
      std::fprintf(stderr, "concord-integrator: warning: topic %s does not exist (yet); skipped\n", topic.c_str());
      rd_kafka_metadata_destroy(md);
      continue;
    }
    if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "concord-integrator: topic %s: %s\n", topic.c_str(),
                   md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "not found");
      rd_kafka_metadata_destroy(md);
      rd_kafka_topic_partition_list_destroy(assignment);
      return 1;
    }
    for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
      int32_t id = md->topics[0].partitions[p].id;
      rd_kafka_topic_partition_list_add(assignment, topic.c_str(), id)->offset = RD_KAFKA_OFFSET_BEGINNING;
      int64_t low = 0, high = 0;
      e = rd_kafka_query_watermark_offsets(raw, topic.c_str(), id, &low, &high, 10000);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "concord-integrator: end offset of %s/%d: %s\n", topic.c_str(), id, rd_kafka_err2str(e));
        rd_kafka_metadata_destroy(md);
        rd_kafka_topic_partition_list_destroy(assignment);
        return 1;
      }
      if (high > low) remaining[{topic, id}] = high;
    }
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_resp_err_t e = rd_kafka_assign(raw, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "concord-integrator: assign: %s\n", rd_kafka_err2str(e));
    return 1;
  }

  // A partition is done once a record at or past end-1 was read, or the consumer reports the
  // partition's end at or past the end offset (the last offsets may be transaction markers,
  // which a consumer never receives as records).
  auto reached = [&](const std::string& topic, int32_t partition, int64_t next_offset) {
    auto it = remaining.find({topic, partition});
    if (it != remaining.end() && next_offset >= it->second) remaining.erase(it);
  };
  long printed = 0;
  int waited_ms = 0;
  while (!g_stop && (opt.follow || !remaining.empty())) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(raw, 200);
    if (!m) {
      waited_ms += 200;
      if (!opt.follow && waited_ms >= opt.timeout_ms) {
        std::fprintf(stderr, "concord-integrator: the end offsets were not reached within %d s (%zu partitions left)\n",
                     opt.timeout_ms / 1000, remaining.size());
        return 1;
      }
      continue;
    }
    std::string topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      reached(topic, m->partition, m->offset);
    } else if (m->err) {
      std::string what = rd_kafka_message_errstr(m);
      bool fatal = m->err == RD_KAFKA_RESP_ERR__FATAL || m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                   m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
      std::fprintf(stderr, "concord-integrator: %s%s: %s\n", fatal ? "error" : "warning",
                   topic.empty() ? "" : (" on " + topic).c_str(), what.c_str());
      if (fatal) {
        rd_kafka_message_destroy(m);
        return 1;
      }
    } else {
      std::cout << line_of(m).dump() << '\n' << std::flush;
      ++printed;
      reached(topic, m->partition, m->offset + 1);
    }
    rd_kafka_message_destroy(m);
  }
  std::fprintf(stderr, "concord-integrator: printed %ld events\n", printed);
  return 0;
}
