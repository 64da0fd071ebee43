#pragma once
// A small world for rpc tests: a segment holding one server process ("server") and N client
// connections ("conn<i>", client process "client<i>"), with helpers to drive both sides from one
// thread or to run the server in a thread of its own.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ipc/common/clock.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/rpc/rpc_client.hpp"
#include "ipc/rpc/rpc_server.hpp"
#include "ipc/segment/segment.hpp"
#include "tests/support/shm_test_support.hpp"

namespace pipescale::test {

inline constexpr std::int64_t kMs = 1'000'000;

inline std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}
inline std::string as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline std::string connection_name(std::size_t index) { return "conn" + std::to_string(index); }
inline std::string client_process(std::size_t index) { return "client" + std::to_string(index); }

// Creates and publishes a segment with `count` connections shaped like `shape` (its names are
// filled in here).
inline ipc::Segment make_segment(const std::string& name, std::size_t count, ipc::ConnectionSpec shape = {}) {
  auto segment = ipc::Segment::create({name, "rpc-test", 4u << 20, 64});
  if (!segment) throw std::runtime_error(segment.error().message);
  for (std::size_t index = 0; index < count; ++index) {
    shape.name = connection_name(index);
    shape.server_process = "server";
    shape.client_process = client_process(index);
    auto created = ipc::create_connection(*segment, shape);
    if (!created) throw std::runtime_error(created.error().message);
  }
  segment->publish();
  return std::move(segment).value();
}

inline ipc::DoorbellLayout* bell_of(const ipc::Segment& segment, const std::string& process) {
  auto bell = ipc::find_process_doorbell(segment, process);
  if (!bell) throw std::runtime_error(bell.error().message);
  return *bell;
}

inline ipc::ConnectionRegions regions_of(const ipc::Segment& segment, std::size_t index) {
  auto regions = ipc::find_connection(segment, connection_name(index));
  if (!regions) throw std::runtime_error(regions.error().message);
  return std::move(regions).value();
}

// Polls both sides from this thread until done() or timeout_ns; false on timeout.
template <class Done>
bool pump(ipc::RpcClient& client, ipc::RpcServer& server, Done&& done, std::int64_t timeout_ns = 2000 * kMs) {
  const std::int64_t give_up = ipc::monotonic_ns() + timeout_ns;
  while (!done()) {
    const std::int64_t now = ipc::monotonic_ns();
    if (now > give_up) return false;
    server.poll(now);
    client.poll(now);
  }
  return true;
}

// Runs server.poll() in its own thread with a park-friendly wait strategy until destroyed.
// `between_polls` runs on the server thread after every poll (e.g. to answer deferred requests).
class ServerThread {
 public:
  ServerThread(ipc::RpcServer& server, ipc::DoorbellLayout* bell, std::function<void()> between_polls = {})
      : server_(server), bell_(bell), between_polls_(std::move(between_polls)), thread_([this] { run(); }) {}
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  ~ServerThread() {
    stop_.store(true, std::memory_order_release);  // acquire in run()'s loop and has_work check
    ipc::Doorbell(bell_).notify();
    thread_.join();
  }

 private:
  void run() {
    ipc::IdleStrategy idle(ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, 20'000, 5 * kMs}, ipc::Doorbell(bell_));
    while (!stop_.load(std::memory_order_acquire)) {
      const std::size_t work = server_.poll(ipc::monotonic_ns());
      if (between_polls_) between_polls_();
      if (work != 0) {
        idle.reset();
        continue;
      }
      idle.idle([this] { return server_.has_work() || stop_.load(std::memory_order_acquire); },
                server_.next_timer_ns());
    }
  }

  ipc::RpcServer& server_;
  ipc::DoorbellLayout* bell_;
  std::function<void()> between_polls_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after everything it reads
};

}  // namespace pipescale::test
