#pragma once
// The shared-memory side of the rpc benchmark: a segment with one connection laid out as the
// engine lays one out (a ring each way, a doorbell per process, the connection control), a command
// block through which the harness tells the server process what to serve next, an RpcServer that
// answers FrontendService.SendRequest, and an RpcClient that calls it one call at a time
// (latency) or with a window of calls in flight (throughput).
#include <atomic>
#include <cstdint>
#include <flatbuffers/flatbuffers.h>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "bench/ipc/shm_link.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/rpc/rpc_client.hpp"
#include "ipc/rpc/rpc_server.hpp"
#include "ipc/segment/segment.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::bench {

// What the server process does until the next command.
enum class ServerMode : std::uint8_t {
  kWait,     // nothing: it parks (while the gRPC server process, on the same core, is measured)
  kFloor,    // the floor ping-pong: floor_trips round trips from floor_first
  kShmSpin,  // serve the ring connection, spinning while idle
  kShmPark,  // serve the ring connection, parking on its doorbell while idle
  kStop,     // report and exit
};

inline constexpr std::size_t kMaxTallies = 8;

struct Command {
  std::uint64_t serial = 0;
  ServerMode mode = ServerMode::kWait;
  bool counted = false;    // count the server's allocations and calls (after the warm-up)...
  std::uint8_t tally = 0;  // ...under this index (the case), below kMaxTallies
};
constexpr std::uint64_t encode(const Command& command) {
  return command.serial << 24 | std::uint64_t{command.tally} << 16 | std::uint64_t{command.counted} << 8 |
         static_cast<std::uint8_t>(command.mode);
}
constexpr Command decode(std::uint64_t word) {
  return {word >> 24, static_cast<ServerMode>(word & 0xFF), ((word >> 8) & 1) != 0,
          static_cast<std::uint8_t>((word >> 16) & 0xFF)};
}

// Harness -> server commands and server -> harness results, one word per false-sharing block.
struct BenchControl {
  SharedWord command;      // encode(Command); stored last, with release, after the parameters
  SharedWord ack;          // server -> harness: the serial of the command it has taken up
  SharedWord floor_first;  // kFloor: the first sequence number
  SharedWord floor_trips;  // kFloor: how many round trips
  struct alignas(ipc::kFalseSharingBytes) ServerCounts {
    std::atomic<std::uint64_t> allocations[kMaxTallies];  // per tally, over counted commands
    std::atomic<std::uint64_t> calls[kMaxTallies];
    std::atomic<std::uint64_t> failed_replies;
  } counts;
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// The harness's side: the parameters first (relaxed), then the command word with release (pairs
// with the server's acquire loads in follow_commands and ShmRpcServer::serve), then the server's
// doorbell in case it parks.
void post_command(BenchControl& control, ipc::Doorbell server_bell, const Command& command);

// Owns the segment ("pipescale.<pid>.<run id>.rpcbench"): removed when this is destroyed, and also
// if the harness is stopped by SIGINT, SIGTERM or SIGHUP.
class RpcSegment {
 public:
  static Result<RpcSegment> create(std::uint64_t ring_capacity_bytes);
  RpcSegment(RpcSegment&& other) noexcept;
  RpcSegment& operator=(RpcSegment&&) = delete;
  RpcSegment(const RpcSegment&) = delete;
  RpcSegment& operator=(const RpcSegment&) = delete;
  ~RpcSegment();

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const ipc::Segment& segment() const { return segment_; }

 private:
  RpcSegment(ipc::Segment segment, std::string name) : segment_(std::move(segment)), name_(std::move(name)) {}
  ipc::Segment segment_;
  std::string name_;
};

struct RpcEnd {
  ipc::ConnectionRegions regions;
  ipc::DoorbellLayout* own_bell = nullptr;  // the server's or the client's, by side
  BenchControl* control = nullptr;
};
Result<RpcEnd> attach_rpc_end(const ipc::Segment& segment, bool server);

ipc::WaitOptions wait_options(ipc::WaitKind kind);

// The method a ring call uses. kStandard is FrontendService.SendRequest as a typed stub calls it.
// The others are diagnostics that take shm_rpc apart, on bench-private method ids (service 0,
// which the schemas never declare):
//   kBare      the same bytes, a Request and a Response built once, no verifier and no encoding;
//              each side reads every byte it receives: the ring and the rpc layer alone.
//   kPrefetch  kStandard, with a request verifier that first prefetches every cache line of the
//              payload: what a consumer that prefetched a record's lines as soon as it read the
//              header would save over the verifier's chain of dependent misses.
enum class RingMethod : std::uint8_t { kStandard, kBare, kPrefetch };

class ShmRpcServer {
 public:
  explicit ShmRpcServer(ipc::DoorbellLayout* own_bell);
  Status bind(const ipc::ConnectionRegions& regions);
  // Serves until the command word differs from `current`, waiting the `kind` way while idle.
  // Returns the calls it answered meanwhile.
  std::uint64_t serve(const SharedWord& command, std::uint64_t current, ipc::WaitKind kind);
  [[nodiscard]] std::uint64_t failed_replies() const { return failed_replies_; }
  // One agent step, for a server driven by hand (both ends in one process: compute_costs.hpp).
  std::size_t poll(std::int64_t now_ns) { return server_.poll(now_ns); }

 private:
  void handle(const ipc::RequestView& request, ipc::Responder& responder);
  void handle_bare(const ipc::RequestView& request, ipc::Responder& responder);

  ipc::RpcServer server_;
  ipc::Doorbell bell_;
  flatbuffers::FlatBufferBuilder builder_;  // the Response, reused: Clear() per call
  std::vector<std::byte> bare_response_;    // kBare: a Response built once
  std::uint64_t handled_ = 0;
  std::uint64_t failed_replies_ = 0;
};

struct PipelineResult {
  std::uint64_t completed = 0;
  std::int64_t elapsed_ns = 0;  // from the first call to the last completion
};

class ShmRpcClient {
 public:
  ShmRpcClient(ipc::DoorbellLayout* own_bell, std::uint32_t window, std::size_t stage_visits);
  Status connect(const ipc::ConnectionRegions& regions);
  void use_wait(ipc::WaitKind kind);  // how calls wait for their responses
  // One synchronous call: build the Request (send time now_ns), call, read the Response.
  bool call_once(RingMethod method, std::uint64_t request_id, std::int64_t now_ns);
  // Asynchronous calls, `window` in flight, issued for duration_ns and then drained.
  Result<PipelineResult> pipeline(std::int64_t duration_ns, std::uint64_t& next_request_id);
  // By hand (compute_costs.hpp): start one asynchronous call, poll once; counted as pipelined.
  bool start(RingMethod method, std::uint64_t request_id, std::int64_t now_ns);
  std::size_t poll(std::int64_t now_ns) { return client_.poll(now_ns); }
  [[nodiscard]] std::uint64_t completed() const { return pipelined_ok_; }
  // The size of the Request as encoded (without the ring's header and deadline).
  [[nodiscard]] std::size_t request_bytes();

 private:
  void on_pipelined(const ipc::Reply& reply, std::uint64_t request_id);
  bool call_bare(std::int64_t now_ns);

  ipc::RpcClient client_;
  ipc::DoorbellLayout* own_bell_;
  ipc::ConnectionId connection_ = 0;
  flatbuffers::FlatBufferBuilder builder_;  // the Request, reused: Clear() per call
  std::vector<std::byte> bare_request_;     // kBare: a Request built once
  std::uint32_t window_;
  std::size_t stage_visits_;
  std::uint64_t pipelined_ok_ = 0;
  std::uint64_t pipelined_failed_ = 0;
  bool failed_start_ = false;
  ipc::StatusCode refusal_ = ipc::StatusCode::kOk;
};

}  // namespace pipescale::bench
