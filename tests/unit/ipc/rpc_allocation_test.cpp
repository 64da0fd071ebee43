// No allocation on the call path after warm-up: every operator new in this program is counted,
// and steady-state round trips (copied and built in place, answered at once, in place, deferred
// and synchronously) must not make one. A program of its own: it links pipescale::allocation_counter, which replaces
// the global operator new.
#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <new>

#include "base/metrics/allocation_counter.hpp"
#include "tests/unit/ipc/rpc_fixture.hpp"

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
  const std::uint64_t before = allocations_so_far();
  int ok = 0;
  for (int round = 0; round < 1000; ++round) ok += round_trips();
  const std::uint64_t allocations = allocations_so_far() - before;
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
  const std::uint64_t before = allocations_so_far();
  for (int round = 0; round < 1000; ++round) {
    ASSERT_EQ(client_->call(connection_, method::kEcho, request, ipc::monotonic_ns() + 2000 * kMs), StatusCode::kOk);
  }
  EXPECT_EQ(allocations_so_far() - before, 0u);
}

}  // namespace
}  // namespace pipescale::test
