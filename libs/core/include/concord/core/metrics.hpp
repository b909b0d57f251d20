#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format. Thread-safe; the hot path is one mutex-free atomic per update once a
// labelled series exists.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace concord::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1.0);
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v); }
  void add(double by);
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  std::vector<unsigned long long> cumulative() const;
  double sum() const { return sum_.load(); }
  unsigned long long count() const { return count_.load(); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<unsigned long long>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<unsigned long long> count_{0};
};

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = default_latency_bounds());
  std::string render() const;

  static std::vector<double> default_latency_bounds();  // seconds, 0.5 ms … 10 s

 private:
  struct Family {
    std::string type, help;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& type, const std::string& help);
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

Registry& global();  // the process's registry, served on /metrics

}  // namespace concord::metrics
