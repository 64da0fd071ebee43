#pragma once
// A gRPC server that hands every call to a single-threaded agent, so that the same Dispatchers
// (and so the same handlers) serve gRPC peers and ring peers alike.
//
// Threading: gRPC's callback API, one generic service for every method served. A call's reactor
// reads the request on one of gRPC's threads, which copies it into a call slot (aligned),
// verifies it with the method's verifier, puts the slot's ticket on a moodycamel::ConcurrentQueue,
// rings the agent's doorbell and returns: no gRPC thread waits for the agent. The agent's poll()
// takes tickets off the queue and runs the dispatcher on its own thread; the handler's answer (at
// once, or later for a deferred request) goes to gRPC from the agent's thread
// (StartWriteAndFinish). Handlers thus never run concurrently and never on a gRPC thread; role
// code stays single-threaded. The queue keeps the agent's side free of locks while no gRPC call
// arrives (an empty poll is one atomic read); a mutex guards the slots, which both sides change.
//
// A call is finished once: by the agent's answer, or by gRPC's side first (the client cancelled
// or its deadline passed; the server shuts down: UNAVAILABLE). A slot is reused only once gRPC is
// done with the call (OnDone) and no handler runs on it, and a late answer to an abandoned call
// is refused (kDeadlineExceeded) by the slot's generation.
#include <concurrentqueue/concurrentqueue.h>
#include <cstddef>
#include <cstdint>
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
  std::int64_t shutdown_grace_ns = 500'000'000;  // how long shutdown lets in-flight calls finish
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

 private:
  class Reactor;
  class GenericService;
  enum class Stage : std::uint8_t { kFree, kQueued, kRunning, kDeferred, kFinished };
  struct Call {
    Reactor* reactor = nullptr;  // until gRPC is done with the call (OnDone)
    Stage stage = Stage::kFree;
    std::uint32_t generation = 1;
    bool in_handler = false;  // the agent is running the handler on it
    ipc::MethodId method = 0;
    std::int64_t deadline_ns = 0;
    schema::AlignedScratch storage;  // the request, copied (and so aligned) by the gRPC thread
    std::span<const std::byte> request;
  };
  struct ReplyClaim {
    bool active = false;
    ipc::ReplyToken token;
    std::uint32_t max_bytes = 0;
  };

  // gRPC's threads: the reactor's reactions.
  void arrived(Reactor& reactor, bool read_ok);
  grpc::Status hand_over(Reactor& reactor, const ipc::MethodSpec& method, std::span<const std::byte> request);
  void cancelled(Reactor& reactor);
  void done(Reactor& reactor);
  [[nodiscard]] const ipc::MethodSpec* find_method(const std::string& path) const;

  // The agent's thread.
  void run(std::uint64_t ticket);
  ipc::StatusCode answer(const ipc::ReplyToken& token, ipc::StatusCode status, std::span<const std::byte> response);
  void release_locked(std::uint32_t index);  // mutex_ held
  [[nodiscard]] Dispatcher* find_service(ipc::MethodId method) const;

  GrpcServerOptions options_;
  ipc::DoorbellLayout* doorbell_;
  std::vector<Dispatcher*> services_;
  std::vector<const ipc::MethodSpec*> methods_;  // of the services served, found by gRPC path
  std::unique_ptr<GenericService> generic_;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mutex_;  // guards every Call's reactor, stage, flags and generation; free_; shutting_down_
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
