// The shape services/README.md shows role authors, run for real: a Frontend agent that answers
// SendRequest from its handler and passes what it queued to a Worker with an asynchronous
// SendBatch, serving and calling through one Transport, polled from its own thread. Three
// "processes" (the test as Client, the Frontend, the Worker) over the rings and over gRPC.
#include <atomic>
#include <gtest/gtest.h>
#include <thread>
#include <tuple>
#include <vector>

#include "ipc/rpc/connection.hpp"
#include "services/make_transport.hpp"
#include "services/stubs.hpp"
#include "tests/unit/services/transport_world.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

// --- The example: a Frontend that batches what it receives and sends it to its Worker. ---
class Frontend final : public services::FrontendHandler {
 public:
  explicit Frontend(ipc::Channel& worker) : worker_(worker) { queue_.reserve(64); }

  // Answer at once; copy what must outlive the call (the request points into the transport).
  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::FrontendRpc::SendRequest>& response) override {
    queue_.push_back(request.request_id());
    const std::uint64_t id = request.request_id();
    (void)response.reply([id](Builder& b) { return schema::CreateResponse(b, id, /*accepted=*/true); });
  }
  void on_send_feedback(const schema::Feedback&,
                        services::ResponseWriter<services::FrontendRpc::SendFeedback>& response) override {
    (void)response.fail(StatusCode::kUnimplemented);
  }
  void on_send_queue_information(
      const schema::QueueInformation&,
      services::ResponseWriter<services::FrontendRpc::SendQueueInformation>& response) override {
    (void)response.fail(StatusCode::kUnimplemented);
  }
  void on_send_batch_size(const schema::BatchSize&,
                          services::ResponseWriter<services::FrontendRpc::SendBatchSize>& response) override {
    (void)response.fail(StatusCode::kUnimplemented);
  }

  // The agent's step, after transport.poll(): cut a batch when a call is not already out.
  std::size_t do_work(std::int64_t now_ns) {
    if (queue_.empty() || batch_in_flight_) return 0;
    const StatusCode started = worker_.send_batch_async(
        [this](Builder& b) { return build(b); }, now_ns + 2000 * kMs,
        [this](StatusCode status, const schema::BatchResponse* response) { on_batch_done(status, response); });
    if (started == StatusCode::kOk) {
      batch_in_flight_ = true;
      queue_.clear();
    }
    return 1;
  }

  std::atomic<std::uint32_t> dispatched{0};  // requests the Worker accepted; read by the test

 private:
  flatbuffers::Offset<schema::Batch> build(Builder& b) {
    std::vector<flatbuffers::Offset<schema::Request>> requests;
    for (const std::uint64_t id : queue_) requests.push_back(schema::CreateRequest(b, id));
    return schema::CreateBatch(b, ++batch_id_, 0, schema::BatchTrigger::Full, 8, 0, b.CreateVector(requests));
  }
  void on_batch_done(StatusCode status, const schema::BatchResponse* response) {
    batch_in_flight_ = false;
    if (status == StatusCode::kOk && response->accepted()) dispatched.fetch_add(response->queue_length());
  }

  services::WorkerStub worker_;
  std::vector<std::uint64_t> queue_;
  std::uint64_t batch_id_ = 0;
  bool batch_in_flight_ = false;
};
// --- End of the example. ---

class RoleExampleTest : public ShmTest, public ::testing::WithParamInterface<Carrier> {
 protected:
  // Client -> Frontend -> Worker, each with a transport of the kind under test.
  void start() {
    const bool rings = GetParam() == Carrier::kShm;
    if (rings) lay_out_segment();
    directory_.emplace();
    const std::string worker_at = rings ? "frontend-worker" : "unix:" + directory_->path() + "/worker.sock";
    const std::string frontend_at = rings ? "client-frontend" : "unix:" + directory_->path() + "/frontend.sock";

    worker_transport_ = transport_for("worker");
    ASSERT_TRUE(worker_transport_->serve(worker_dispatcher_).ok());
    ASSERT_TRUE(worker_transport_->listen(worker_at).ok());
    worker_agent_ = std::make_unique<AgentThread>(*worker_transport_);

    frontend_transport_ = transport_for("frontend");
    auto worker = frontend_transport_->connect(worker_at);
    ASSERT_TRUE(worker.ok()) << worker.error().message;
    frontend_ = std::make_unique<Frontend>(**worker);
    frontend_dispatcher_ = std::make_unique<services::FrontendDispatcher>(*frontend_);
    ASSERT_TRUE(frontend_transport_->serve(*frontend_dispatcher_).ok());
    ASSERT_TRUE(frontend_transport_->listen(frontend_at).ok());
    frontend_agent_ =
        std::make_unique<AgentThread>(*frontend_transport_, [this] { frontend_->do_work(ipc::monotonic_ns()); });

    client_ = transport_for("client");
    auto channel = client_->connect(frontend_at);
    ASSERT_TRUE(channel.ok()) << channel.error().message;
    channel_ = *channel;
  }

  void lay_out_segment() {
    auto segment = ipc::Segment::create({names_.next(), "services-test", 4u << 20, 64});
    ASSERT_TRUE(segment.ok()) << segment.error().message;
    for (const auto& [name, server, client] :
         {std::tuple{"client-frontend", "frontend", "client"}, std::tuple{"frontend-worker", "worker", "frontend"}}) {
      ipc::ConnectionSpec spec;
      spec.name = name;
      spec.server_process = server;
      spec.client_process = client;
      ASSERT_TRUE(ipc::create_connection(*segment, spec).ok());
    }
    segment->publish();
    segment_.emplace(std::move(segment).value());
  }

  std::unique_ptr<services::Transport> transport_for(const std::string& process) {
    services::TransportConfig config;
    config.kind = GetParam() == Carrier::kShm ? services::TransportKind::kShm : services::TransportKind::kGrpc;
    config.shm.segment = segment_ ? &*segment_ : nullptr;
    config.shm.process = process;
    auto transport = services::make_transport(config);
    EXPECT_TRUE(transport.ok()) << transport.error().message;
    return transport.ok() ? std::move(transport).value() : nullptr;
  }

  void TearDown() override {
    client_.reset();
    frontend_agent_.reset();
    worker_agent_.reset();
    frontend_transport_.reset();  // its pending completions still find the Frontend
    worker_transport_.reset();
    segment_.reset();
    ShmTest::TearDown();
  }

  std::optional<ipc::Segment> segment_;
  std::optional<TempDir> directory_;
  TestHandlers worker_handlers_;
  services::WorkerDispatcher worker_dispatcher_{worker_handlers_};
  std::unique_ptr<services::Transport> worker_transport_;
  std::unique_ptr<services::Transport> frontend_transport_;
  std::unique_ptr<Frontend> frontend_;
  std::unique_ptr<services::FrontendDispatcher> frontend_dispatcher_;
  std::unique_ptr<AgentThread> worker_agent_;
  std::unique_ptr<AgentThread> frontend_agent_;
  std::unique_ptr<services::Transport> client_;
  ipc::Channel* channel_ = nullptr;
};

TEST_P(RoleExampleTest, PassesEveryAcceptedRequestOnToTheWorkerInBatches) {
  start();
  services::FrontendStub frontend(*channel_);
  for (std::uint64_t id = 1; id <= 20; ++id) {
    bool accepted = false;
    ASSERT_EQ(frontend.send_request([id](Builder& b) { return schema::CreateRequest(b, id); },
                                    ipc::monotonic_ns() + 2000 * kMs,
                                    [&accepted](const schema::Response& r) { accepted = r.accepted(); }),
              StatusCode::kOk);
    EXPECT_TRUE(accepted);
  }
  const std::int64_t give_up = ipc::monotonic_ns() + 5000 * kMs;
  while (frontend_->dispatched.load() < 20 && ipc::monotonic_ns() < give_up) std::this_thread::yield();
  EXPECT_EQ(frontend_->dispatched.load(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Transports, RoleExampleTest, ::testing::Values(Carrier::kShm, Carrier::kGrpcUnix),
                         carrier_test_name);

}  // namespace
}  // namespace pipescale::test
