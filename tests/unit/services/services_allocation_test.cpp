// No allocation per call on the shared-memory path: after warm-up, typed calls of every rpc,
// built by the stubs' reused builders, dispatched to typed handlers that reply through the
// dispatcher's reused builder, make no operator new at all. A program of its own: it links
// pipescale::allocation_counter, which replaces the global operator new.
#include <array>
#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <new>

#include "base/metrics/allocation_counter.hpp"
#include "services/shm_transport.hpp"
#include "services/stubs.hpp"
#include "tests/unit/ipc/rpc_test_support.hpp"
#include "tests/unit/services/service_fixtures.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

// Builders that allocate nothing themselves (the fixtures' use std::vector for convenience).
flatbuffers::Offset<schema::Batch> build_small_batch(Builder& builder, std::uint64_t id) {
  std::array<flatbuffers::Offset<schema::Request>, 4> requests{};
  for (std::size_t i = 0; i < requests.size(); ++i) requests[i] = schema::CreateRequest(builder, id * 10 + i);
  const auto vector = builder.CreateVector(requests.data(), requests.size());
  return schema::CreateBatch(builder, id, 1, schema::BatchTrigger::Full, 4, 5, vector);
}

class ServicesAllocationTest : public ShmTest {
 protected:
  void SetUp() override {
    segment_.emplace(make_segment(names_.next(), 1));
    auto server = services::ShmTransport::create({.segment = &*segment_, .process = "server"});
    auto client = services::ShmTransport::create({.segment = &*segment_, .process = client_process(0)});
    ASSERT_TRUE(server.ok() && client.ok());
    server_ = std::move(server).value();
    client_ = std::move(client).value();
    ASSERT_TRUE(server_->serve(frontend_).ok());
    ASSERT_TRUE(server_->serve(worker_).ok());
    ASSERT_TRUE(server_->listen(connection_name(0)).ok());
    auto channel = client_->connect(connection_name(0));
    ASSERT_TRUE(channel.ok()) << channel.error().message;
    channel_ = *channel;
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    segment_.reset();
    ShmTest::TearDown();
  }

  // One async call of each kind; polls both sides from this thread until all are answered.
  int round(services::FrontendStub& frontend, services::WorkerStub& worker, std::uint64_t id) {
    int ok = 0;
    const auto count = [&ok](StatusCode status, const auto*) { ok += status == StatusCode::kOk ? 1 : 0; };
    const std::int64_t deadline = ipc::monotonic_ns() + 2000 * kMs;
    (void)frontend.send_request_async([id](Builder& b) { return schema::CreateRequest(b, id); }, deadline, count);
    (void)frontend.send_feedback_async([id](Builder& b) { return build_feedback(b, id); }, deadline, count);
    (void)frontend.send_batch_size_async([id](Builder& b) { return build_batch_size(b, id); }, deadline, count);
    (void)worker.send_batch_async([id](Builder& b) { return build_small_batch(b, id); }, deadline, count);
    (void)worker.send_order_async([id](Builder& b) { return build_order(b, id, schema::OrderKind::Start); }, deadline,
                                  count);
    while (ok < 5) {
      const std::int64_t now = ipc::monotonic_ns();
      if (now > deadline) break;
      server_->poll(now);
      client_->poll(now);
    }
    return ok;
  }

  std::optional<ipc::Segment> segment_;
  TestHandlers handlers_;
  services::FrontendDispatcher frontend_{handlers_};
  services::WorkerDispatcher worker_{handlers_};
  std::unique_ptr<services::ShmTransport> server_;
  std::unique_ptr<services::ShmTransport> client_;
  ipc::Channel* channel_ = nullptr;
};

TEST_F(ServicesAllocationTest, MakesNoAllocationPerTypedCallAfterWarmUp) {
  services::FrontendStub frontend(*channel_);
  services::WorkerStub worker(*channel_);
  for (std::uint64_t id = 1; id <= 100; ++id) ASSERT_EQ(round(frontend, worker, id), 5);  // builders grow here
  const std::uint64_t before = allocations_so_far();
  for (std::uint64_t id = 101; id <= 2100; ++id) ASSERT_EQ(round(frontend, worker, id), 5);
  EXPECT_EQ(allocations_so_far() - before, 0u) << "over 10000 typed calls";
}

}  // namespace
}  // namespace pipescale::test
