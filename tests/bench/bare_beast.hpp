#pragma once
// The baseline for HTTP benchmarks: the smallest keep-alive Beast server that answers every
// request with a fixed JSON body, on the same threading model as concord::http::Server.
#include <functional>
#include <memory>
#include <string>

namespace concord::bench {

class BareBeastServer {
 public:
  // `body_for(target)` makes the response body; it runs on the server's threads.
  BareBeastServer(int threads, std::function<std::string(const std::string& target)> body_for);
  ~BareBeastServer();
  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::bench
