// A server process killed with SIGKILL: the client fails its pending calls with kUnavailable
// within 100 ms (a pidfd watched while calls are pending), and refuses new calls until another
// server binds the connection.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/unit/ipc/rpc_test_support.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

constexpr ipc::MethodId kHold = 1;  // the server takes the request and never answers
constexpr std::int64_t kUnavailableBudgetNs = 100 * kMs;

// Waits for one byte on `fd`; false after timeout_ms.
bool read_byte(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  char byte = 0;
  return poll(&entry, 1, timeout_ms) == 1 && read(fd, &byte, 1) == 1;
}

// The server process: binds the connection, reports "ready" and then each request it takes
// through `report_fd`, and serves until it is killed. Returns an exit code on setup failure.
int serve_and_hold(const std::string& segment_name, int report_fd) {
  auto segment = ipc::Segment::open(segment_name);
  if (!segment) return 10;
  auto bell = ipc::find_process_doorbell(*segment, "server");
  auto regions = ipc::find_connection(*segment, connection_name(0));
  if (!bell || !regions) return 11;
  ipc::RpcServer server(ipc::ServerOptions{}, *bell);
  std::vector<ipc::ReplyToken> held;
  held.reserve(16);
  auto added = server.add_method({kHold, "/test.Test/Hold"}, [&](const ipc::RequestView&, ipc::Responder& responder) {
    held.push_back(responder.defer());
    (void)!write(report_fd, "r", 1);
  });
  if (!added || !server.add_connection(*regions)) return 12;
  if (write(report_fd, "s", 1) != 1) return 13;
  ipc::IdleStrategy idle(ipc::WaitOptions{ipc::WaitKind::kPark, 0, 5 * kMs}, ipc::Doorbell(*bell));
  for (;;) {
    if (server.poll(ipc::monotonic_ns()) == 0) idle.idle([&] { return server.has_work(); });
  }
}

class RpcPeerDeathTest : public ShmTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe(report_), 0);
    segment_.emplace(make_segment(names_.next(), 1));
    const std::string name = segment_->name();
    const int write_end = report_[1];
    server_.emplace(ChildProcess::fork([name, write_end] { return serve_and_hold(name, write_end); }));
    ASSERT_TRUE(read_byte(report_[0], 5000)) << "the server process did not start";
    client_.emplace(ipc::ClientOptions{}, bell_of(*segment_, client_process(0)));
    auto connected = client_->add_connection(regions_of(*segment_, 0));
    ASSERT_TRUE(connected.ok()) << connected.error().message;
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    segment_.reset();
    close(report_[0]);
    close(report_[1]);
    ShmTest::TearDown();
  }
  // Returns the time of the kill.
  std::int64_t kill_server_once_it_holds_the_request() {
    EXPECT_TRUE(read_byte(report_[0], 5000)) << "the server never took the request";
    const std::int64_t killed_at = ipc::monotonic_ns();
    EXPECT_EQ(kill(server_->pid(), SIGKILL), 0);
    return killed_at;
  }

  int report_[2] = {-1, -1};
  std::optional<ipc::Segment> segment_;
  std::optional<ChildProcess> server_;
  std::optional<ipc::RpcClient> client_;
};

TEST_F(RpcPeerDeathTest, FailsAPendingAsynchronousCallWithUnavailableWithin100MsOfTheServersSigkill) {
  int completions = 0;
  StatusCode status = StatusCode::kUnknown;
  ASSERT_EQ(client_->call_async(0, kHold, as_bytes("hold this"), ipc::monotonic_ns() + 10'000 * kMs,
                                [&](const ipc::Reply& reply) {
                                  ++completions;
                                  status = reply.status;
                                }),
            StatusCode::kOk);
  const std::int64_t killed_at = kill_server_once_it_holds_the_request();
  ipc::IdleStrategy& idle = client_->idle_strategy();
  while (completions == 0 && ipc::monotonic_ns() - killed_at < 5000 * kMs) {
    if (client_->poll(ipc::monotonic_ns()) == 0)
      idle.idle([&] { return client_->has_work(); }, client_->next_timer_ns());
  }
  const std::int64_t failed_after = ipc::monotonic_ns() - killed_at;
  EXPECT_EQ(completions, 1);
  EXPECT_EQ(status, StatusCode::kUnavailable);
  EXPECT_LT(failed_after, kUnavailableBudgetNs) << "took " << failed_after / kMs << " ms";
  RecordProperty("unavailable_after_us", std::to_string(failed_after / 1000));
  EXPECT_EQ(ipc::counter_value(client_->counters().peer_deaths), 1u);
}

TEST_F(RpcPeerDeathTest, FailsAWaitingSynchronousCallWithUnavailableWithin100MsOfTheServersSigkill) {
  std::atomic<std::int64_t> killed_at{0};
  std::thread killer([&] { killed_at.store(kill_server_once_it_holds_the_request(), std::memory_order_release); });
  const StatusCode status = client_->call(0, kHold, as_bytes("hold this"), ipc::monotonic_ns() + 10'000 * kMs);
  const std::int64_t returned_at = ipc::monotonic_ns();
  killer.join();
  const std::int64_t failed_after = returned_at - killed_at.load(std::memory_order_acquire);  // release above
  EXPECT_EQ(status, StatusCode::kUnavailable);
  EXPECT_LT(failed_after, kUnavailableBudgetNs) << "took " << failed_after / kMs << " ms";
  RecordProperty("unavailable_after_us", std::to_string(failed_after / 1000));
}

TEST_F(RpcPeerDeathTest, RefusesNewCallsWithUnavailableOnceTheServerIsKnownDead) {
  ASSERT_EQ(client_->call_async(0, kHold, as_bytes("hold this"), ipc::monotonic_ns() + 10'000 * kMs, {}),
            StatusCode::kOk);
  kill_server_once_it_holds_the_request();
  const std::int64_t give_up = ipc::monotonic_ns() + 5000 * kMs;
  while (client_->in_flight(0) != 0 && ipc::monotonic_ns() < give_up) client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(client_->call_async(0, kHold, as_bytes("anyone?"), ipc::monotonic_ns() + 1000 * kMs, {}),
            StatusCode::kUnavailable);
  EXPECT_EQ(ipc::counter_value(client_->counters().refused_unavailable), 1u);
}

// A supervisor replacing the dead server fences the connection first (fence_connection): the
// calls pending on the dead server fail with kUnavailable, the successor never takes what was left
// in the request ring for its predecessor, and the client's next call reaches the successor.
TEST_F(RpcPeerDeathTest, ASuccessorAfterAFenceTakesOnlyCallsMadeAfterIt) {
  ASSERT_EQ(client_->call_async(0, kHold, as_bytes("taken"), ipc::monotonic_ns() + 10'000 * kMs, {}), StatusCode::kOk);
  kill_server_once_it_holds_the_request();
  server_.reset();  // reaped
  // Not yet noticed by the client: this one stays in the ring, for nobody.
  ASSERT_EQ(client_->call_async(0, kHold, as_bytes("left behind"), ipc::monotonic_ns() + 10'000 * kMs, {}),
            StatusCode::kOk);
  ipc::fence_connection(*regions_of(*segment_, 0).control);
  const std::int64_t give_up = ipc::monotonic_ns() + 5000 * kMs;
  while (client_->in_flight(0) != 0 && ipc::monotonic_ns() < give_up) client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(client_->in_flight(0), 0u);

  const std::string name = segment_->name();
  const int write_end = report_[1];
  server_.emplace(ChildProcess::fork([name, write_end] { return serve_and_hold(name, write_end); }));
  ASSERT_TRUE(read_byte(report_[0], 5000)) << "the successor did not start";
  EXPECT_FALSE(read_byte(report_[0], 200)) << "the successor took a request left for its predecessor";
  ASSERT_EQ(client_->call_async(0, kHold, as_bytes("new"), ipc::monotonic_ns() + 10'000 * kMs, {}), StatusCode::kOk);
  EXPECT_TRUE(read_byte(report_[0], 5000)) << "the successor never took the new call";
  EXPECT_FALSE(read_byte(report_[0], 200)) << "the successor took more than the new call";
}

}  // namespace
}  // namespace pipescale::test
