// Many clients, each a thread with its own connection and doorbell, against one server thread:
// concurrent asynchronous calls, half answered at once and half deferred to the server's next
// loop; every call is answered exactly once, with its own payload, under its own correlation id.
#include <algorithm>
#include <gtest/gtest.h>
#include <set>

#include "tests/unit/ipc/rpc_test_support.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

constexpr ipc::MethodId kEchoNowOrLater = 1;
constexpr std::size_t kClients = 4;
constexpr std::uint32_t kWindow = 32;  // more than either ring holds: full rings and backlogs happen

struct Request {
  std::uint32_t client;
  std::uint32_t sequence;
};

// One client thread's book-keeping: how many times each of its calls completed, and how.
struct ClientRun {
  std::vector<std::uint8_t> answers;
  std::vector<std::uint64_t> correlation_ids;
  std::uint64_t wrong = 0;                  // bad status or a payload that is not the request's
  std::atomic<std::uint64_t> completed{0};  // read by the watchdog thread
};

void on_reply(ClientRun& run, std::uint32_t client, std::uint32_t sequence, const ipc::Reply& reply) {
  Request echoed{};
  if (reply.status != StatusCode::kOk || reply.payload.size() != sizeof echoed) {
    ++run.wrong;
  } else {
    std::memcpy(&echoed, reply.payload.data(), sizeof echoed);
    if (echoed.client != client || echoed.sequence != sequence) ++run.wrong;
  }
  ++run.answers[sequence];
  run.correlation_ids[sequence] = reply.correlation_id;
  run.completed.fetch_add(1, std::memory_order_relaxed);  // progress for the watchdog only
}

void run_client(ipc::RpcClient& client, std::uint32_t index, std::uint32_t calls, ClientRun& run) {
  run.answers.assign(calls, 0);
  run.correlation_ids.assign(calls, 0);
  std::uint32_t next = 0;
  ipc::IdleStrategy& idle = client.idle_strategy();
  while (run.completed.load(std::memory_order_relaxed) < calls) {
    while (next < calls) {
      const Request request{index, next};
      const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(&request), sizeof request);
      const StatusCode status = client.call_async(
          0, kEchoNowOrLater, bytes, ipc::monotonic_ns() + 30'000 * kMs,
          [&run, index, sequence = next](const ipc::Reply& reply) { on_reply(run, index, sequence, reply); });
      if (status != StatusCode::kOk) break;  // window or ring full: poll, then go on
      ++next;
    }
    if (client.poll(ipc::monotonic_ns()) != 0) {
      idle.reset();
    } else {
      idle.idle([&client] { return client.has_work(); }, client.next_timer_ns());
    }
  }
}

// The server: answers even sequences at once and keeps odd ones (token and request copied) for
// its next loop, run on the server thread by ServerThread's between_polls.
class EchoNowOrLater {
 public:
  explicit EchoNowOrLater(ipc::RpcServer& server) : server_(server) { later_.reserve(kClients * kWindow); }

  void handle(const ipc::RequestView& request, ipc::Responder& responder) {
    Request copy{};
    std::memcpy(&copy, request.payload.data(), std::min(sizeof copy, request.payload.size()));
    if (copy.sequence % 2 == 0) {
      if (responder.reply(request.payload) != StatusCode::kOk) ++failed_replies_;
    } else {
      later_.push_back({responder.defer(), copy});
    }
  }
  void answer_later_ones() {
    for (const auto& [token, request] : later_) {
      const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(&request), sizeof request);
      if (server_.reply(token, bytes) != StatusCode::kOk) ++failed_replies_;
    }
    later_.clear();
  }
  [[nodiscard]] std::uint64_t failed_replies() const { return failed_replies_; }

 private:
  ipc::RpcServer& server_;
  std::vector<std::pair<ipc::ReplyToken, Request>> later_;
  std::uint64_t failed_replies_ = 0;
};

class RpcManyClientsTest : public ShmTest {};

TEST_F(RpcManyClientsTest, AnswersEveryConcurrentCallExactlyOnce) {
  const auto calls = static_cast<std::uint32_t>(env_u64("PIPESCALE_RPC_CALLS_PER_CLIENT", 3000));
  ipc::ConnectionSpec shape;
  shape.request_ring_bytes = 1024;  // about 20 records each
  shape.response_ring_bytes = 1024;
  auto segment = make_segment(names_.next(), kClients, shape);
  ipc::DoorbellLayout* server_bell = bell_of(segment, "server");
  ipc::RpcServer server(ipc::ServerOptions{}, server_bell);
  EchoNowOrLater service(server);
  ASSERT_TRUE(server
                  .add_method({kEchoNowOrLater, "/test.Test/EchoNowOrLater"},
                              [&service](const ipc::RequestView& request, ipc::Responder& responder) {
                                service.handle(request, responder);
                              })
                  .ok());
  std::vector<std::unique_ptr<ipc::RpcClient>> clients;
  for (std::size_t index = 0; index < kClients; ++index) {
    ASSERT_TRUE(server.add_connection(regions_of(segment, index)).ok());
    ipc::ClientOptions options{.window = kWindow};
    options.wait = ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, 5'000, 5 * kMs};
    clients.push_back(std::make_unique<ipc::RpcClient>(options, bell_of(segment, client_process(index))));
    ASSERT_TRUE(clients.back()->add_connection(regions_of(segment, index)).ok());
  }
  std::vector<ClientRun> runs(kClients);
  {
    const auto progress = [&runs] {
      std::uint64_t total = 0;
      for (const ClientRun& run : runs) total += run.completed.load(std::memory_order_relaxed);
      return total;
    };
    const auto report = [&] {
      return "completed " + std::to_string(progress()) + ", server received " +
             std::to_string(ipc::counter_value(server.counters().requests_received)) + ", backlogged " +
             std::to_string(ipc::counter_value(server.counters().backlogged));
    };
    Watchdog watchdog(std::chrono::milliseconds(20'000), progress, report);
    ServerThread serving(server, server_bell, [&service] { service.answer_later_ones(); });
    std::vector<std::thread> threads;
    for (std::uint32_t index = 0; index < kClients; ++index) {
      threads.emplace_back([&, index] { run_client(*clients[index], index, calls, runs[index]); });
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (std::uint32_t index = 0; index < kClients; ++index) {
    const ClientRun& run = runs[index];
    EXPECT_EQ(run.wrong, 0u) << "client " << index;
    EXPECT_TRUE(std::all_of(run.answers.begin(), run.answers.end(), [](std::uint8_t n) { return n == 1; }))
        << "client " << index << ": some call was not answered exactly once";
    const std::set<std::uint64_t> distinct(run.correlation_ids.begin(), run.correlation_ids.end());
    EXPECT_EQ(distinct.size(), calls) << "client " << index << ": correlation ids repeat";
    const ipc::RpcClientCounters& counters = clients[index]->counters();
    EXPECT_EQ(ipc::counter_value(counters.calls_started), calls);
    EXPECT_EQ(counters.completed(StatusCode::kOk), calls);
    EXPECT_EQ(ipc::counter_value(counters.late_responses) + ipc::counter_value(counters.stale_epoch_responses), 0u);
  }
  EXPECT_EQ(ipc::counter_value(server.counters().requests_dispatched), std::uint64_t{calls} * kClients);
  EXPECT_EQ(ipc::counter_value(server.counters().backlog_overflow), 0u);
  EXPECT_EQ(service.failed_replies(), 0u);
  std::uint64_t ring_full = 0, window_full = 0;
  for (const auto& client : clients) {
    ring_full += ipc::counter_value(client->counters().ring_full);
    window_full += ipc::counter_value(client->counters().window_full);
  }
  RecordProperty("request_ring_full", std::to_string(ring_full));
  RecordProperty("window_full", std::to_string(window_full));
  RecordProperty("responses_backlogged", std::to_string(ipc::counter_value(server.counters().backlogged)));
  RecordProperty("deferred", std::to_string(ipc::counter_value(server.counters().deferred)));
}

}  // namespace
}  // namespace pipescale::test
