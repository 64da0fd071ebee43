#pragma once
// The gRPC baseline of the rpc benchmark: the FrontendService that flatc --grpc generates from
// schemas/services.fbs, carrying the same FlatBuffers Request and Response as the rings and running
// the same handler logic (rpc_messages.hpp), over a Unix socket and over loopback TCP.
//
// Server: the generated synchronous Service, served by gRPC's own thread pool on the server
// core. It is the service a gRPC user writes first, and on one core it costs no extra hand-off:
// the thread that polled a request in runs the handler and sends the reply (bench/README.md).
// Client: the synchronous stub for latency (one call in flight), the asynchronous stub with one
// CompletionQueue and `window` calls in flight for throughput. Every message is verified with
// schemas/grpc_verify.hpp's verified_root(), the generated code's own verification being off.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "bench/ipc/socket_io.hpp"
#include "bench/rpc/shm_rpc.hpp"
#include "bench/support/child_process.hpp"

namespace pipescale::bench {

// The gRPC server, in a process of its own pinned to `pu` (the ring server's core): the ring
// server's process then runs no thread but its own, so its allocation count is its own, and the
// gRPC process sleeps in epoll while the rings are measured. It listens on unix:<uds_path> and on
// 127.0.0.1 with an ephemeral port, and runs until stop() (or until the harness dies).
class GrpcServerProcess {
 public:
  static Result<GrpcServerProcess> spawn(int pu, const std::string& uds_path, std::int64_t timeout_ns);

  [[nodiscard]] int tcp_port() const { return tcp_port_; }
  // Closes the control socket: the server shuts down and the process exits.
  Status stop(std::int64_t timeout_ns);

 private:
  GrpcServerProcess(ChildProcess child, UniqueFd control, int tcp_port)
      : child_(std::move(child)), control_(std::move(control)), tcp_port_(tcp_port) {}
  ChildProcess child_;
  UniqueFd control_;  // the harness's end; its closing tells the server to stop
  int tcp_port_;
};

class GrpcClient {
 public:
  // target: "unix:<path>" or "ipv4:127.0.0.1:<port>". Waits until the channel is connected.
  static Result<std::unique_ptr<GrpcClient>> connect(const std::string& target, std::size_t stage_visits,
                                                     std::int64_t timeout_ns);
  GrpcClient(const GrpcClient&) = delete;
  GrpcClient& operator=(const GrpcClient&) = delete;
  ~GrpcClient();

  // One unary call on the synchronous stub: build the Request (send time now_ns), call, verify
  // and read the Response.
  bool call_once(std::uint64_t request_id, std::int64_t now_ns);
  // Asynchronous calls, `window` in flight, issued for duration_ns and then drained.
  Result<PipelineResult> pipeline(std::int64_t duration_ns, std::uint32_t window, std::uint64_t& next_request_id);

 private:
  struct State;
  explicit GrpcClient(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pipescale::bench
