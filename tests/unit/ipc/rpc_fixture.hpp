#pragma once
// One server and one client on one connection, in this process, with a set of test methods.
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/ipc/rpc_test_support.hpp"

namespace pipescale::test {

namespace method {
inline constexpr ipc::MethodId kEcho = 1;      // replies with the request
inline constexpr ipc::MethodId kDefer = 2;     // keeps a reply token in deferred_, answers nothing now
inline constexpr ipc::MethodId kChecked = 3;   // request must start with 'V'; a response must not end with '!'
inline constexpr ipc::MethodId kSilent = 4;    // neither replies nor defers
inline constexpr ipc::MethodId kInPlace = 5;   // builds "in place:" + request in the response ring
inline constexpr ipc::MethodId kDeadline = 6;  // replies with the request's deadline (8 bytes)
inline constexpr ipc::MethodId kLarge = 7;     // replies with more bytes than the response ring takes
inline constexpr ipc::MethodId kUnknown = 99;  // registered nowhere
}  // namespace method

inline bool starts_with_v(std::span<const std::byte> payload) {
  return !payload.empty() && payload[0] == std::byte{'V'};
}
inline bool does_not_end_with_bang(std::span<const std::byte> payload) {
  return payload.empty() || payload.back() != std::byte{'!'};
}

class RpcTest : public ShmTest {
 protected:
  void start(ipc::ConnectionSpec shape = {}, ipc::ClientOptions client_options = {},
             ipc::ServerOptions server_options = {}) {
    segment_.emplace(make_segment(names_.next(), 1, shape));
    server_ = std::make_unique<ipc::RpcServer>(server_options, bell_of(*segment_, "server"));
    add_methods();
    auto served = server_->add_connection(regions_of(*segment_, 0));
    ASSERT_TRUE(served.ok()) << served.error().message;
    client_ = std::make_unique<ipc::RpcClient>(client_options, bell_of(*segment_, client_process(0)));
    ASSERT_TRUE(
        client_->add_method({method::kChecked, "/test.Test/Checked", starts_with_v, does_not_end_with_bang}).ok());
    auto connected = client_->add_connection(regions_of(*segment_, 0));
    ASSERT_TRUE(connected.ok()) << connected.error().message;
    connection_ = *connected;
  }

  void TearDown() override {
    client_.reset();
    server_.reset();
    segment_.reset();
    ShmTest::TearDown();
  }

  // Starts an async call whose outcome lands in `outcome`. A test that leaves calls pending resets
  // client_ before its outcomes go out of scope: the client's destructor cancels them.
  struct Outcome {
    int completions = 0;
    ipc::StatusCode status = ipc::StatusCode::kUnknown;
    std::string payload;
    std::uint64_t correlation_id = 0;
  };
  ipc::StatusCode call_async(ipc::MethodId id, const std::string& request, Outcome& outcome,
                             std::int64_t deadline_ns = 0) {
    if (deadline_ns == 0) deadline_ns = ipc::monotonic_ns() + 2000 * kMs;
    return client_->call_async(connection_, id, as_bytes(request), deadline_ns, [&outcome](const ipc::Reply& reply) {
      ++outcome.completions;
      outcome.status = reply.status;
      outcome.payload = as_text(reply.payload);
      outcome.correlation_id = reply.correlation_id;
    });
  }
  bool pump_until_done(const Outcome& outcome, std::int64_t timeout_ns = 2000 * kMs) {
    return pump(
        *client_, *server_, [&outcome] { return outcome.completions != 0; }, timeout_ns);
  }

  std::optional<ipc::Segment> segment_;
  std::unique_ptr<ipc::RpcServer> server_;
  std::unique_ptr<ipc::RpcClient> client_;
  ipc::ConnectionId connection_ = 0;
  std::vector<ipc::ReplyToken> deferred_;
  std::int64_t last_deadline_ns_ = 0;

 private:
  void add(ipc::MethodSpec spec, ipc::Handler handler) {
    auto added = server_->add_method(spec, std::move(handler));
    ASSERT_TRUE(added.ok()) << added.error().message;
  }
  void add_methods() {
    deferred_.reserve(64);
    add({method::kEcho, "/test.Test/Echo"},
        [](const ipc::RequestView& request, ipc::Responder& responder) { (void)responder.reply(request.payload); });
    add({method::kDefer, "/test.Test/Defer"},
        [this](const ipc::RequestView&, ipc::Responder& responder) { deferred_.push_back(responder.defer()); });
    add({method::kChecked, "/test.Test/Checked", starts_with_v, does_not_end_with_bang},
        [](const ipc::RequestView& request, ipc::Responder& responder) { (void)responder.reply(request.payload); });
    add({method::kSilent, "/test.Test/Silent"}, [](const ipc::RequestView&, ipc::Responder&) {});
    add({method::kInPlace, "/test.Test/InPlace"}, [](const ipc::RequestView& request, ipc::Responder& responder) {
      const std::string prefix = "in place:";
      std::span<std::byte> buffer;
      if (responder.begin_reply(256, buffer) != ipc::StatusCode::kOk) return;
      std::memcpy(buffer.data(), prefix.data(), prefix.size());
      std::memcpy(buffer.data() + prefix.size(), request.payload.data(), request.payload.size());
      (void)responder.commit_reply(static_cast<std::uint32_t>(prefix.size() + request.payload.size()));
    });
    add({method::kDeadline, "/test.Test/Deadline"}, [this](const ipc::RequestView& request, ipc::Responder& responder) {
      last_deadline_ns_ = request.deadline_ns;
      (void)responder.reply({});
    });
    add({method::kLarge, "/test.Test/Large"}, [](const ipc::RequestView&, ipc::Responder& responder) {
      static const std::vector<std::byte> kHuge(1 << 20);
      (void)responder.reply(kHuge);
    });
  }
};

}  // namespace pipescale::test
