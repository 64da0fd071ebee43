#pragma once
// A gRPC server that hands every call to a single-threaded agent, so that the same Dispatchers
// (and so the same handlers) serve gRPC peers and ring peers alike.
//
// Threading: gRPC's synchronous server runs the flatc --grpc generated services on its own
// thread pool. Such a thread copies the request into a call slot, verifies it with the method's
// verifier, puts the slot on a moodycamel::ConcurrentQueue and rings the agent's doorbell, then
// waits on the slot's condition variable. The agent's poll() takes slots off the queue and runs
// the dispatcher on its own thread; the handler's answer (at once, or later for a deferred
// request) is stored in the slot and wakes the waiting gRPC thread, which returns it to gRPC.
// Handlers thus never run concurrently and never on a gRPC thread; role code stays
// single-threaded. The queue keeps the agent's side free of locks while no gRPC call arrives
// (an empty poll is one atomic read); a mutex guards the slots' states, which both sides change.
//
// A gRPC thread stops waiting when the call is answered, its deadline passes
// (DEADLINE_EXCEEDED), its client cancels, or the server shuts down (UNAVAILABLE). A slot is
// reused only once the waiting thread has left and no handler is running on it, and a late
// answer to an abandoned call is refused by the slot's generation.
#include <concurrentqueue/concurrentqueue.h>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <flatbuffers/grpc.h>
#include <grpcpp/grpcpp.h>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ipc/rpc/responder.hpp"
#include "ipc/wait/doorbell.hpp"
#include "schemas/verify.hpp"
#include "services/dispatcher.hpp"

namespace pipescale::services {

struct GrpcServerOptions {
  std::uint32_t max_calls = 256;                 // calls handed over and not yet answered; more: RESOURCE_EXHAUSTED
  std::uint32_t poll_batch = 32;                 // calls dispatched per poll
  std::int64_t cancel_check_ns = 20'000'000;     // a waiting gRPC thread checks for cancellation this often
  std::int64_t shutdown_grace_ns = 500'000'000;  // how long shutdown lets in-flight calls finish
  // gRPC's synchronous server: one completion queue, and idle polling threads kept up to
  // max_pollers. gRPC's default (a queue per core, at most 2 idle pollers) ends every thread
  // beyond two once a burst is over and starts new ones at the next burst: a thread start per
  // call of a burst. Each call in progress holds a thread here, so keeping them costs nothing
  // but their stacks. See services/README.md for what each choice measured.
  int completion_queues = 1;
  int min_pollers = 1;
  int max_pollers = 32;
};

class GrpcServerAdapter final : public ipc::ReplySink {
 public:
  // doorbell: rung when a call arrives (the agent's park); nullptr when the agent does not park.
  GrpcServerAdapter(const GrpcServerOptions& options, ipc::DoorbellLayout* doorbell);
  GrpcServerAdapter(const GrpcServerAdapter&) = delete;
  GrpcServerAdapter& operator=(const GrpcServerAdapter&) = delete;
  ~GrpcServerAdapter();  // pending calls end with UNAVAILABLE; then the server stops

  // Setup: every service, then start. Returns the address it listens on (port 0 replaced).
  Status add_service(Dispatcher& service);
  Result<std::string> start(const std::string& address);

  // Agent step (the owning thread): runs the handlers of the calls that arrived.
  std::size_t poll(std::int64_t now_ns);
  [[nodiscard]] bool has_work() const { return incoming_.size_approx() != 0; }

  // ReplySink (the owning thread). kDeadlineExceeded: the caller stopped waiting.
  [[nodiscard]] ipc::StatusCode reply(const ipc::ReplyToken& token, std::span<const std::byte> message) override;
  [[nodiscard]] ipc::StatusCode reply_status(const ipc::ReplyToken& token, ipc::StatusCode status) override;
  [[nodiscard]] ipc::StatusCode begin_reply(const ipc::ReplyToken& token, std::uint32_t max_bytes,
                                            std::span<std::byte>& buffer) override;
  [[nodiscard]] ipc::StatusCode commit_reply(std::uint32_t bytes) override;
  void abort_reply() override;

  // gRPC's threads, from the generated services (grpc_services.cpp).
  template <class Method>
  grpc::Status handle(grpc::ServerContext& context, const flatbuffers::grpc::Message<typename Method::Request>& in,
                      flatbuffers::grpc::Message<typename Method::Response>& out) {
    grpc::Slice response;
    const std::span<const std::byte> request(reinterpret_cast<const std::byte*>(in.data()), in.size());
    grpc::Status status = handle_bytes(method_spec<Method>(), context, request, response);
    if (status.ok()) out = flatbuffers::grpc::Message<typename Method::Response>(std::move(response));
    return status;
  }

 private:
  enum class Stage : std::uint8_t { kFree, kFilling, kQueued, kRunning, kDeferred, kAnswered };
  struct Call {
    std::condition_variable answered;
    Stage stage = Stage::kFree;
    std::uint32_t generation = 1;
    bool waiter_gone = false;  // the gRPC thread returned (answered or gave up)
    bool in_handler = false;   // the agent is running the handler on it
    ipc::MethodId method = 0;
    std::int64_t deadline_ns = 0;
    schema::AlignedScratch storage;  // the request, copied (and so aligned) by the gRPC thread
    std::span<const std::byte> request;
    ipc::StatusCode status = ipc::StatusCode::kOk;
    grpc::Slice response;
  };
  struct ReplyClaim {
    bool active = false;
    ipc::ReplyToken token;
    std::uint32_t max_bytes = 0;
  };

  grpc::Status handle_bytes(const ipc::MethodSpec& method, grpc::ServerContext& context,
                            std::span<const std::byte> request, grpc::Slice& response);
  grpc::Status wait_for_answer(std::uint32_t index, grpc::ServerContext& context, grpc::Slice& response);
  void run(std::uint64_t ticket);
  ipc::StatusCode answer(const ipc::ReplyToken& token, ipc::StatusCode status, grpc::Slice response);
  void release_locked(std::uint32_t index);  // mutex_ held
  Dispatcher* find_service(ipc::MethodId method) const;

  GrpcServerOptions options_;
  ipc::DoorbellLayout* doorbell_;
  std::vector<Dispatcher*> services_;
  std::vector<std::unique_ptr<grpc::Service>> generated_;  // the flatc --grpc services, forwarding here
  std::unique_ptr<grpc::Server> server_;
  std::mutex mutex_;  // guards every Call's stage, flags, generation, status and response; free_; shutting_down_
  std::unique_ptr<Call[]> calls_;
  std::vector<std::uint32_t> free_;
  bool shutting_down_ = false;
  moodycamel::ConcurrentQueue<std::uint64_t> incoming_;  // tickets (generation << 32 | slot), gRPC -> agent
  std::vector<std::uint64_t> batch_;                     // poll's dequeue buffer
  std::vector<std::byte> reply_scratch_;                 // begin_reply's buffer
  ReplyClaim claim_;
  bool polling_ = false;
};

}  // namespace pipescale::services
