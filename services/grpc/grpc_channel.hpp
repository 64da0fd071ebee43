#pragma once
// ipc::Channel over gRPC: the same FlatBuffers bytes as on the rings, sent with grpc::GenericStub
// under each method's gRPC path (MethodSpec::name), so the stubs in stub.hpp run unchanged.
//
// Calls are asynchronous, on gRPC's callback API: gRPC's threads do the network work and, when a
// call ends, put its slot on a moodycamel::ConcurrentQueue and ring the owner's doorbell. The
// owner's poll() drains the queue, reads (realigned) and verifies each response and fires its
// completion, on the owner's thread, as RpcClient does. Deadlines go to gRPC, which ends the call
// with DEADLINE_EXCEEDED; gRPC's status codes are the call's outcome, one to one.
//
// Outcomes as for the rings (ipc/rpc/channel.hpp): refused at the start with kResourceExhausted
// (window full), kUnimplemented (a method id with no route), kFailedPrecondition (misuse); else
// exactly one completion, from poll(), with the response, gRPC's status, kInvalidArgument (the
// response failed its verifier) or kCancelled (the channel was destroyed first).
//
// One thread owns a channel. Each call allocates (a ClientContext and gRPC's buffers): that is
// part of what the gRPC baseline costs.
#include <atomic>
#include <concurrentqueue/concurrentqueue.h>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ipc/rpc/channel.hpp"
#include "ipc/wait/doorbell.hpp"
#include "schemas/verify.hpp"

namespace pipescale::services {

struct GrpcChannelOptions {
  std::uint32_t window = 64;      // calls in flight
  std::uint32_t poll_batch = 64;  // completions fired per poll
};

// "unix:PATH" (non-empty path) or "HOST:PORT" (a port number): anything else names the problem.
Status check_grpc_address(const std::string& address);

class GrpcChannel final : public ipc::Channel {
 public:
  // methods: the routes (id -> gRPC path) and response verifiers. doorbell: rung whenever a call
  // ends, so that a parked owner wakes (nullptr: none; the owner polls).
  static Result<std::unique_ptr<GrpcChannel>> create(const std::string& address,
                                                     std::span<const ipc::MethodSpec> methods,
                                                     const GrpcChannelOptions& options, ipc::DoorbellLayout* doorbell);
  GrpcChannel(const GrpcChannel&) = delete;
  GrpcChannel& operator=(const GrpcChannel&) = delete;
  ~GrpcChannel() override;  // cancels pending calls and fires their completions with kCancelled

  [[nodiscard]] ipc::StatusCode call(ipc::MethodId method, std::span<const std::byte> request, std::int64_t deadline_ns,
                                     ipc::Completion&& on_reply) override;
  [[nodiscard]] ipc::StatusCode call_async(ipc::MethodId method, std::span<const std::byte> request,
                                           std::int64_t deadline_ns, ipc::Completion&& done) override;
  // No ring to build into: the buffer is the channel's own (8-byte aligned), sent on commit.
  [[nodiscard]] ipc::StatusCode try_begin_request(ipc::MethodId method, std::uint32_t max_bytes,
                                                  std::span<std::byte>& buffer) override;
  [[nodiscard]] ipc::StatusCode begin_request(ipc::MethodId method, std::uint32_t max_bytes, std::int64_t deadline_ns,
                                              std::span<std::byte>& buffer) override;
  [[nodiscard]] ipc::StatusCode commit_request(std::uint32_t bytes, std::int64_t deadline_ns,
                                               ipc::Completion&& on_reply) override;
  [[nodiscard]] ipc::StatusCode commit_request_async(std::uint32_t bytes, std::int64_t deadline_ns,
                                                     ipc::Completion&& done) override;
  void abort_request() override;

  // Agent step: fires the completions of calls that ended; returns how many.
  std::size_t poll(std::int64_t now_ns);
  [[nodiscard]] bool has_work() const { return ended_.size_approx() != 0; }
  [[nodiscard]] std::uint32_t in_flight() const { return in_flight_; }
  [[nodiscard]] const std::string& address() const { return address_; }

 private:
  struct Route {
    std::string path;
    ipc::PayloadVerifier verifier = nullptr;
  };
  struct Slot {
    std::optional<grpc::ClientContext> context;  // one per call: gRPC contexts are not reusable
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
    grpc::Status status;  // written by gRPC's thread before the slot is queued
    ipc::Completion done;
    ipc::MethodId method = 0;
    std::uint32_t generation = 0;
  };

  GrpcChannel(const std::string& address, const GrpcChannelOptions& options, ipc::DoorbellLayout* doorbell);
  const Route* find(ipc::MethodId method) const;
  void on_ended(std::uint32_t index, grpc::Status status);  // gRPC's thread
  void finish(std::uint32_t index);
  std::span<const std::byte> read_response(Slot& slot, grpc::Slice& holder);
  template <class Done>
  bool wait_until(Done&& done, std::int64_t until_ns);

  std::string address_;
  GrpcChannelOptions options_;
  ipc::DoorbellLayout* doorbell_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::vector<std::pair<ipc::MethodId, Route>> routes_;
  std::unique_ptr<Slot[]> slots_;
  std::vector<std::uint32_t> free_;
  moodycamel::ConcurrentQueue<std::uint32_t> ended_;  // slots whose call ended, gRPC -> owner
  std::mutex wait_mutex_;                             // with wait_cv_: how a synchronous caller sleeps
  std::condition_variable wait_cv_;
  std::uint64_t events_ = 0;                          // calls ended (guarded by wait_mutex_)
  std::atomic<std::uint64_t> callbacks_returned_{0};  // the destructor waits until every callback is out
  std::uint64_t calls_started_ = 0;
  std::uint32_t in_flight_ = 0;
  std::vector<std::uint32_t> batch_;  // poll's dequeue buffer
  schema::AlignedScratch scratch_;    // realigns responses (gRPC slices start anywhere)
  std::vector<std::byte> claim_;      // begin_request's buffer
  std::uint32_t claim_bytes_ = 0;
  ipc::MethodId claim_method_ = 0;
  bool claimed_ = false;
  bool polling_ = false;
  bool closing_ = false;  // in the destructor: completions fire with kCancelled, new calls are refused
};

}  // namespace pipescale::services
