#pragma once
// A small HTTP server for Prometheus's scrapes: GET /metrics answers with the text a callback
// renders (metrics_exposition.hpp), in the text exposition format; anything else is a 404 (a GET
// of / names the path). It runs on a thread of its own in the launcher, one connection at a
// time, with Boost.Beast over Boost.Asio; the roles and their data path never see it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"

namespace pipescale::engine {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;

  // Listens on 127.0.0.1:`port` (0: a free port, see port()) and serves from a new thread.
  static Result<std::unique_ptr<MetricsServer>> start(std::uint16_t port, Render render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::uint64_t scrapes() const;  // GET /metrics answered so far
  // Closes the listener and joins the thread; the destructor does it too.
  void stop();

 private:
  struct State;
  explicit MetricsServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pipescale::engine
