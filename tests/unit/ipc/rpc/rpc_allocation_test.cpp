// No allocation on the call path after warm-up: every operator new in this program is counted,
// and steady-state round trips (copied and built in place, answered at once, in place, deferred
// and synchronously) must not make one. A program of its own: it replaces the global operator new.
#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <new>

#include "tests/unit/ipc/rpc/rpc_fixture.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};  // relaxed: read after the counted work, same thread or joined
}  // namespace

// The replacements pair malloc with free by design; GCC sees through the inlined operator new and
// would call free() "mismatched".
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t bytes) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(bytes == 0 ? 1 : bytes)) return memory;
  throw std::bad_alloc();
}
void* operator new[](std::size_t bytes) { return ::operator new(bytes); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { std::free(memory); }
#pragma GCC diagnostic pop

namespace pipescale::test {
namespace {

using ipc::StatusCode;

class RpcAllocationTest : public RpcTest {
 protected:
  // One round trip of each kind, driven from this thread; counts completions that were kOk.
  int round_trips() {
    int ok = 0;
    const auto count_ok = [&ok](const ipc::Reply& reply) { ok += reply.status == StatusCode::kOk ? 1 : 0; };
    const std::int64_t deadline = ipc::monotonic_ns() + 2000 * kMs;
    const std::byte request[16] = {};
    (void)client_->call_async(connection_, method::kEcho, request, deadline, count_ok);
    (void)client_->call_async(connection_, method::kInPlace, request, deadline, count_ok);
    std::span<std::byte> buffer;
    if (client_->try_begin_request(connection_, method::kEcho, 64, buffer) == StatusCode::kOk) {
      (void)client_->commit_request_async(connection_, 8, deadline, count_ok);
    }
    (void)client_->call_async(connection_, method::kDefer, request, deadline, count_ok);
    server_->poll(ipc::monotonic_ns());
    for (const ipc::ReplyToken& token : deferred_) (void)server_->reply(token, request);
    deferred_.clear();
    pump(*client_, *server_, [this] { return client_->in_flight(connection_) == 0; });
    return ok;
  }
};

TEST_F(RpcAllocationTest, MakesNoAllocationPerCallAfterWarmUp) {
  start();
  for (int round = 0; round < 100; ++round) ASSERT_EQ(round_trips(), 4);
  const std::uint64_t before = g_allocations.load(std::memory_order_relaxed);
  int ok = 0;
  for (int round = 0; round < 1000; ++round) ok += round_trips();
  const std::uint64_t allocations = g_allocations.load(std::memory_order_relaxed) - before;
  EXPECT_EQ(ok, 4000);
  EXPECT_EQ(allocations, 0u);
}

TEST_F(RpcAllocationTest, MakesNoAllocationPerSynchronousCallAfterWarmUp) {
  start();
  ServerThread serving(*server_, bell_of(*segment_, "server"));
  const std::byte request[16] = {};
  for (int round = 0; round < 100; ++round) {
    ASSERT_EQ(client_->call(connection_, method::kEcho, request, ipc::monotonic_ns() + 2000 * kMs), StatusCode::kOk);
  }
  const std::uint64_t before = g_allocations.load(std::memory_order_relaxed);
  for (int round = 0; round < 1000; ++round) {
    ASSERT_EQ(client_->call(connection_, method::kEcho, request, ipc::monotonic_ns() + 2000 * kMs), StatusCode::kOk);
  }
  EXPECT_EQ(g_allocations.load(std::memory_order_relaxed) - before, 0u);
}

}  // namespace
}  // namespace pipescale::test
