#include "bench/rpc/grpc_rpc.hpp"

#include <poll.h>

#include <chrono>
#include <cstdio>
#include <flatbuffers/grpc.h>
#include <grpcpp/grpcpp.h>
#include <optional>
#include <span>
#include <vector>

#include "bench/rpc/rpc_messages.hpp"
#include "ipc/common/clock.hpp"
#include "schemas/grpc_verify.hpp"
#include "schemas/services.grpc.fb.h"

namespace pipescale::bench {
namespace {

using RequestMessage = flatbuffers::grpc::Message<ps::Request>;
using ResponseMessage = flatbuffers::grpc::Message<ps::Response>;
// Deadline of every call, as on the rings: generous, so that it only ends a call whose server is stuck.
constexpr auto kCallTimeout = std::chrono::seconds(5);

class FrontendServiceImpl final : public ps::FrontendService::Service {
 public:
  grpc::Status SendRequest(grpc::ServerContext* /*context*/, const RequestMessage* in, ResponseMessage* out) override {
    // One of each per gRPC thread, reused: the scratch realigns a misaligned slice, the builder
    // writes the Response into a fresh gRPC slice each time (ReleaseMessage hands that slice over).
    thread_local ps::AlignedScratch scratch;
    thread_local flatbuffers::grpc::MessageBuilder builder(256);
    const ps::Request* request = ps::verified_root(*in, scratch);
    if (request == nullptr) return {grpc::StatusCode::INVALID_ARGUMENT, "Request failed verification"};
    build_response(builder, answer(*request));
    *out = builder.ReleaseMessage<ps::Response>();
    return grpc::Status::OK;
  }
};

std::chrono::system_clock::time_point call_deadline() { return std::chrono::system_clock::now() + kCallTimeout; }

std::unique_ptr<grpc::Server> start_server(const std::string& uds_path, FrontendServiceImpl& service, int& tcp_port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + uds_path, grpc::InsecureServerCredentials());
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &tcp_port);
  builder.RegisterService(&service);
  return builder.BuildAndStart();
}

// The server process's body: start, report the port, serve until the harness closes its end.
int run_server(const std::string& uds_path, UniqueFd& control) {
  FrontendServiceImpl service;
  int tcp_port = 0;
  const std::unique_ptr<grpc::Server> server = start_server(uds_path, service, tcp_port);
  if (!server || tcp_port <= 0) {
    std::fprintf(stderr, "grpc server: cannot listen on unix:%s and 127.0.0.1\n", uds_path.c_str());
    return 1;
  }
  const auto port = static_cast<std::int32_t>(tcp_port);
  if (!write_all(control.get(), std::as_bytes(std::span(&port, 1)))) return 1;
  std::byte end_of_run{};
  (void)read_all(control.get(), std::span(&end_of_run, 1));  // returns at end-of-file: the harness is done
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}

}  // namespace

Result<GrpcServerProcess> GrpcServerProcess::spawn(int pu, const std::string& uds_path, std::int64_t timeout_ns) {
  auto pair = make_unix_socketpair();
  if (!pair) return pair.error();
  auto child = ChildProcess::spawn(pu, [&] {
    pair->first.reset();
    return run_server(uds_path, pair->second);
  });
  if (!child) return child.error();
  pair->second.reset();  // so that the harness reads end-of-file if the server process dies
  pollfd ready{pair->first.get(), POLLIN, 0};
  const int waited = ::poll(&ready, 1, static_cast<int>(timeout_ns / 1'000'000));
  std::int32_t port = 0;
  if (waited != 1 || !read_all(pair->first.get(), std::as_writable_bytes(std::span(&port, 1)))) {
    return Error{"the gRPC server process did not start (see its message above, if any)"};
  }
  return GrpcServerProcess(std::move(*child), std::move(pair->first), port);
}

Status GrpcServerProcess::stop(std::int64_t timeout_ns) {
  control_.reset();
  return child_.wait(timeout_ns);
}

struct GrpcClient::State {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<ps::FrontendService::Stub> stub;
  flatbuffers::grpc::MessageBuilder builder{1024};  // reused; each message still gets its own slice
  ps::AlignedScratch scratch;
  std::size_t stage_visits = kDefaultStageVisits;

  RequestMessage request(std::uint64_t request_id, std::int64_t now_ns) {
    build_request(builder, request_id, now_ns, stage_visits);
    return builder.ReleaseMessage<ps::Request>();
  }
  bool matches(const ResponseMessage& reply, std::uint64_t request_id) {
    const ps::Response* response = ps::verified_root(reply, scratch);
    return response != nullptr && response_matches(*response, request_id);
  }
};

// One asynchronous call in flight: its own context (gRPC's are single-use), reader and reply.
struct AsyncSlot {
  std::optional<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<ResponseMessage>> reader;
  ResponseMessage reply;
  grpc::Status status;
  std::uint64_t request_id = 0;
};

GrpcClient::GrpcClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
GrpcClient::~GrpcClient() = default;

Result<std::unique_ptr<GrpcClient>> GrpcClient::connect(const std::string& target, std::size_t stage_visits,
                                                        std::int64_t timeout_ns) {
  auto state = std::make_unique<State>();
  state->channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  state->stage_visits = stage_visits;
  if (!state->channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::nanoseconds(timeout_ns))) {
    return Error{"gRPC channel to " + target + " did not connect in time"};
  }
  state->stub = ps::FrontendService::NewStub(state->channel);
  return std::unique_ptr<GrpcClient>(new GrpcClient(std::move(state)));
}

bool GrpcClient::call_once(std::uint64_t request_id, std::int64_t now_ns) {
  State& s = *state_;
  const RequestMessage request = s.request(request_id, now_ns);
  grpc::ClientContext context;
  context.set_deadline(call_deadline());
  ResponseMessage reply;
  const grpc::Status status = s.stub->SendRequest(&context, request, &reply);
  return status.ok() && s.matches(reply, request_id);
}

Result<PipelineResult> GrpcClient::pipeline(std::int64_t duration_ns, std::uint32_t window,
                                            std::uint64_t& next_request_id) {
  State& s = *state_;
  grpc::CompletionQueue queue;
  std::vector<AsyncSlot> slots(window);
  const auto start_call = [&](AsyncSlot& slot, std::int64_t now_ns) {
    slot.request_id = next_request_id++;
    slot.context.reset();
    slot.context.emplace();
    slot.context->set_deadline(call_deadline());
    slot.reply = ResponseMessage();
    const RequestMessage request = s.request(slot.request_id, now_ns);  // the call takes its own reference
    slot.reader = s.stub->AsyncSendRequest(&*slot.context, request, &queue);
    slot.reader->Finish(&slot.reply, &slot.status, &slot);
  };
  const std::int64_t start_ns = ipc::monotonic_ns();
  const std::int64_t stop_ns = start_ns + duration_ns;
  for (AsyncSlot& slot : slots) start_call(slot, start_ns);
  std::uint64_t in_flight = window;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  void* tag = nullptr;
  bool ok = false;
  while (in_flight != 0 && queue.Next(&tag, &ok)) {
    --in_flight;
    AsyncSlot& slot = *static_cast<AsyncSlot*>(tag);
    if (ok && slot.status.ok() && s.matches(slot.reply, slot.request_id)) {
      ++completed;
    } else {
      ++failed;
    }
    const std::int64_t now = ipc::monotonic_ns();
    if (now < stop_ns) {
      start_call(slot, now);
      ++in_flight;
    }
  }
  const std::int64_t elapsed_ns = ipc::monotonic_ns() - start_ns;
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (failed != 0 || in_flight != 0) {
    return Error{std::to_string(failed + in_flight) + " pipelined gRPC calls failed or got a wrong response"};
  }
  return PipelineResult{completed, elapsed_ns};
}

}  // namespace pipescale::bench
