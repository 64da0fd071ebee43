// A server process killed with SIGKILL while a call waits on it: the call ends with UNAVAILABLE,
// promptly, over the rings and over gRPC. The server is a separate program (test_server_main.cpp),
// started fresh with posix_spawn, so no gRPC state is shared across a fork.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "services/make_transport.hpp"
#include "tests/unit/services/transport_test_fixture.hpp"

extern char** environ;

namespace pipescale::test {
namespace {

using ipc::StatusCode;

// Waits for one byte on `fd` and returns it; 0 after timeout_ms.
char read_byte(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  char byte = 0;
  return poll(&entry, 1, timeout_ms) == 1 && read(fd, &byte, 1) == 1 ? byte : '\0';
}

class ServerDeathTest : public ShmTest, public ::testing::WithParamInterface<Carrier> {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe(report_), 0);
    services::TransportConfig config;
    std::string endpoint;
    std::vector<std::string> args{PIPESCALE_SERVICES_TEST_SERVER};
    if (GetParam() == Carrier::kShm) {
      segment_.emplace(make_segment(names_.next(), 1));
      endpoint = connection_name(0);
      args.insert(args.end(), {"shm", segment_->name(), endpoint});
      config.shm = {.segment = &*segment_, .process = client_process(0)};
    } else {
      endpoint = "unix:" + directory_.path() + "/server.sock";
      args.insert(args.end(), {"grpc", endpoint});
      config.kind = services::TransportKind::kGrpc;
    }
    ASSERT_TRUE(spawn(args));
    ASSERT_EQ(read_byte(report_[0], 5000), 's') << "the server process did not start";
    auto transport = services::make_transport(config);
    ASSERT_TRUE(transport.ok()) << transport.error().message;
    client_ = std::move(transport).value();
    auto channel = client_->connect(endpoint);
    ASSERT_TRUE(channel.ok()) << channel.error().message;
    channel_ = *channel;
  }
  void TearDown() override {
    if (server_pid_ > 0) {
      kill(server_pid_, SIGKILL);
      waitpid(server_pid_, nullptr, 0);
    }
    close(report_[0]);
    client_.reset();
    segment_.reset();
    ShmTest::TearDown();
  }

  bool spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, report_[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, report_[0]);
    const int failed = posix_spawn(&server_pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(report_[1]);
    return failed == 0;
  }

  int report_[2] = {-1, -1};
  pid_t server_pid_ = -1;
  TempDir directory_;
  std::optional<ipc::Segment> segment_;
  std::unique_ptr<services::Transport> client_;
  ipc::Channel* channel_ = nullptr;
};

TEST_P(ServerDeathTest, FailsAPendingCallWithUnavailableWhenTheServerProcessIsKilled) {
  services::FrontendStub frontend(*channel_);
  Answer answer;
  ASSERT_EQ(frontend.send_request_async([](Builder& b) { return build_request(b, kDeferForever); },
                                        ipc::monotonic_ns() + 10'000 * kMs,
                                        record<services::FrontendRpc::SendRequest>(answer)),
            StatusCode::kOk);
  ASSERT_EQ(read_byte(report_[0], 5000), 'r') << "the server did not take the request";
  ASSERT_EQ(kill(server_pid_, SIGKILL), 0);
  waitpid(server_pid_, nullptr, 0);
  server_pid_ = -1;
  const std::int64_t killed_at = ipc::monotonic_ns();
  ASSERT_TRUE(pump(*client_, [&answer] { return answer.completions != 0; }));
  EXPECT_EQ(answer.status, StatusCode::kUnavailable);
  EXPECT_LT(ipc::monotonic_ns() - killed_at, 1000 * kMs) << "not promptly";
}

INSTANTIATE_TEST_SUITE_P(Transports, ServerDeathTest, ::testing::Values(Carrier::kShm, Carrier::kGrpcUnix),
                         carrier_test_name);

}  // namespace
}  // namespace pipescale::test
