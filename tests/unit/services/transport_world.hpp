#pragma once
// Two "processes" in one test: a server side (a Transport serving the test handlers, polled by
// an agent thread of its own) and a client side (a Transport with one channel to it, polled by
// the test's thread), over the rings or over gRPC. The shared-memory world lives in a segment
// named for the test; the gRPC one on a unix socket in a temporary directory or on 127.0.0.1.
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "ipc/common/clock.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "services/handlers.hpp"
#include "services/transport.hpp"
#include "tests/support/shm_test_support.hpp"
#include "tests/unit/ipc/rpc_test_support.hpp"
#include "tests/unit/services/service_fixtures.hpp"

namespace pipescale::test {

// Polls a transport from its own thread until destroyed, parking on the transport's doorbell.
// after_poll runs on that thread after every step.
class AgentThread {
 public:
  AgentThread(services::Transport& transport, std::function<void()> after_poll = {})
      : transport_(transport), after_poll_(std::move(after_poll)), thread_([this] { run(); }) {}
  AgentThread(const AgentThread&) = delete;
  AgentThread& operator=(const AgentThread&) = delete;
  ~AgentThread() {
    stop_.store(true, std::memory_order_release);  // acquire in run()'s loop and has_work re-check
    ipc::Doorbell(transport_.doorbell()).notify();
    thread_.join();
  }

 private:
  void run() {
    ipc::IdleStrategy idle(ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, 20'000, 5 * kMs},
                           ipc::Doorbell(transport_.doorbell()));
    while (!stop_.load(std::memory_order_acquire)) {
      const std::size_t work = transport_.poll(ipc::monotonic_ns());
      if (after_poll_) after_poll_();
      if (work != 0) {
        idle.reset();
        continue;
      }
      idle.idle([this] { return transport_.has_work() || stop_.load(std::memory_order_acquire); },
                transport_.next_timer_ns());
    }
  }

  services::Transport& transport_;
  std::function<void()> after_poll_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after everything it reads
};

// Polls `transport` from this thread until done() or timeout_ns; false on timeout.
template <class Done>
bool pump(services::Transport& transport, Done&& done, std::int64_t timeout_ns = 5000 * kMs) {
  ipc::IdleStrategy idle(ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, 20'000, 2 * kMs},
                         ipc::Doorbell(transport.doorbell()));
  const std::int64_t give_up = ipc::monotonic_ns() + timeout_ns;
  while (!done()) {
    const std::int64_t now = ipc::monotonic_ns();
    if (now > give_up) return false;
    if (transport.poll(now) != 0) {
      idle.reset();
      continue;
    }
    idle.idle([&transport] { return transport.has_work(); }, transport.next_timer_ns());
  }
  return true;
}

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pipescale-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

enum class Carrier : std::uint8_t { kShm, kGrpcUnix, kGrpcTcp };

inline std::string carrier_name(Carrier carrier) {
  switch (carrier) {
    case Carrier::kShm: return "shm";
    case Carrier::kGrpcUnix: return "grpc_unix";
    case Carrier::kGrpcTcp: return "grpc_tcp";
  }
  return "unknown";
}

inline std::string carrier_test_name(const ::testing::TestParamInfo<Carrier>& info) { return carrier_name(info.param); }

// Which services the server side answers.
struct Served {
  bool client = true;
  bool frontend = true;
  bool worker = true;
  bool scheduler = true;
};

// Declared in the order of their lifetimes: the client side goes first, then the agent, then the
// server transport, and only then the handlers and dispatchers it served.
struct World {
  std::optional<ipc::Segment> segment;
  std::optional<TempDir> directory;
  TestHandlers handlers;
  services::ClientDispatcher client_dispatcher{handlers};
  services::FrontendDispatcher frontend_dispatcher{handlers};
  services::WorkerDispatcher worker_dispatcher{handlers};
  services::SchedulerDispatcher scheduler_dispatcher{handlers};
  std::unique_ptr<services::Transport> server;
  std::string endpoint;  // what the client connects to
  std::unique_ptr<AgentThread> agent;
  std::unique_ptr<services::Transport> client;
  ipc::Channel* channel = nullptr;

  void start_agent() {
    agent = std::make_unique<AgentThread>(*server, [this] { handlers.answer_deferred(frontend_dispatcher); });
  }
  void stop_server() {
    agent.reset();
    server.reset();
  }
};

// Registers the served services with world.server.
bool serve(World& world, const Served& served);

// Builds a world over `carrier`, serving `served`; fails the test (and returns false) on a setup
// error. make_shm_world is the part that needs no gRPC (transport_world_shm.cpp).
bool make_shm_world(World& world, ShmNames& names, Served served = {});
bool make_world(World& world, Carrier carrier, ShmNames& names, Served served = {});

}  // namespace pipescale::test
