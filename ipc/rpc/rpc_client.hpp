#pragma once
// The calling side of the ring transport: many connections, one doorbell, one thread.
//
// Every call ends in exactly one outcome. A call that is refused at the start returns the
// refusal (kResourceExhausted, kUnavailable, ...) and nothing else happens. A call that starts
// (returns kOk from an *_async function) ends later in exactly one invocation of its completion,
// from poll(), with the response or with kDeadlineExceeded, kUnavailable, kInvalidArgument
// (the response failed its verifier) or the status the server answered. A synchronous call
// returns the outcome and hands a kOk response to its callback before returning.
//
// Agent style: poll(now) reads responses, fires completions, expires deadlines and watches the
// server processes; has_work() is the doorbell re-check; next_timer_ns() bounds a park. A
// synchronous call drives poll() itself while it waits, so it also runs other calls' completions;
// it must not be made from inside a completion (it returns kFailedPrecondition there).
//
// Not thread-safe: one thread owns a client. Nothing on the call path allocates, locks or logs.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ipc/ring/spsc_ring.hpp"
#include "ipc/rpc/call.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/rpc/method.hpp"
#include "ipc/rpc/peer_watch.hpp"
#include "ipc/rpc/rpc_counters.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::ipc {

using ConnectionId = std::uint32_t;

struct ClientOptions {
  std::uint32_t window = 64;  // calls in flight per connection: the size of its slot table
  std::uint32_t max_connections = 16;
  std::uint32_t max_methods = 64;
  std::uint32_t poll_batch = 64;                     // responses read per connection per poll
  std::int64_t peer_check_interval_ns = 10'000'000;  // pidfd check rate while calls are pending
  std::int64_t room_recheck_ns = 200'000;            // a caller waiting for ring room re-checks this often
  WaitOptions wait{};                                // how synchronous calls wait
};

class RpcClient {
 public:
  RpcClient(const ClientOptions& options, DoorbellLayout* own_bell);
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;
  ~RpcClient();  // completes pending calls with kCancelled, then lets go of its connections

  // Setup. The response verifier of spec runs on every kOk response to that method.
  Status add_method(const MethodSpec& spec);
  // Attaches as the connection's client with a fresh epoch. Its client doorbell must be this
  // client's own doorbell.
  Result<ConnectionId> add_connection(const ConnectionRegions& regions);

  // Asynchronous call: copies `request` into the ring. kOk: `done` will fire exactly once.
  // deadline_ns is CLOCK_MONOTONIC ns, 0 for none.
  [[nodiscard]] StatusCode call_async(ConnectionId connection, MethodId method, std::span<const std::byte> request,
                                      std::int64_t deadline_ns, Completion&& done);
  // Synchronous call: waits (polling, then the wait strategy) for room and for the outcome.
  [[nodiscard]] StatusCode call(ConnectionId connection, MethodId method, std::span<const std::byte> request,
                                std::int64_t deadline_ns, Completion&& on_reply = {});

  // Zero-copy: reserve up to max_bytes in the request ring (and a window slot), build the
  // message into `buffer`, then commit the bytes used, or abort. One request per connection at a
  // time. try_begin_request never waits; begin_request waits for room until the deadline.
  [[nodiscard]] StatusCode try_begin_request(ConnectionId connection, MethodId method, std::uint32_t max_bytes,
                                             std::span<std::byte>& buffer);
  [[nodiscard]] StatusCode begin_request(ConnectionId connection, MethodId method, std::uint32_t max_bytes,
                                         std::int64_t deadline_ns, std::span<std::byte>& buffer);
  [[nodiscard]] StatusCode commit_request_async(ConnectionId connection, std::uint32_t bytes, std::int64_t deadline_ns,
                                                Completion&& done);
  [[nodiscard]] StatusCode commit_request(ConnectionId connection, std::uint32_t bytes, std::int64_t deadline_ns,
                                          Completion&& on_reply = {});
  void abort_request(ConnectionId connection);

  // Agent step: returns how many responses, expiries and failures it handled.
  std::size_t poll(std::int64_t now_ns);
  [[nodiscard]] bool has_work() const;
  // The earliest deadline or peer check due, 0 when nothing is pending: a runner parks no longer.
  [[nodiscard]] std::int64_t next_timer_ns() const;

  [[nodiscard]] std::uint32_t in_flight(ConnectionId connection) const;
  [[nodiscard]] std::uint32_t epoch(ConnectionId connection) const;
  [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
  [[nodiscard]] const RpcClientCounters& counters() const { return counters_; }
  [[nodiscard]] IdleStrategy& idle_strategy() { return idle_; }
  // The region of the first ring found corrupt ("<connection>.req" or ".rsp"), empty while none
  // was: for the one message a process prints about it, off the call path.
  [[nodiscard]] const std::string& data_loss_region() const { return data_loss_region_; }

 private:
  enum class SlotState : std::uint8_t { kFree, kClaimed, kPending };
  struct Slot {
    std::uint32_t generation = 0;
    SlotState state = SlotState::kFree;
    MethodId method = 0;
    std::int64_t deadline_ns = 0;
    Completion completion;
  };
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  static constexpr std::int64_t kNoDeadline = INT64_MAX;
  static constexpr std::uint32_t kSpinTurnsPerClockRead = 16;  // a synchronous caller's, with WaitKind::kSpin
  struct Connection {
    std::string name;
    RingWriter requests;
    RingReader responses;
    Doorbell server_bell;
    ConnectionControl* control = nullptr;
    std::uint32_t epoch = 0;
    std::vector<Slot> slots;                          // the window
    std::vector<std::uint32_t> free_slots;            // a stack, reserved to the window: never reallocates
    std::uint32_t in_flight = 0;                      // slots in state kPending
    std::uint32_t claim_slot = kNoSlot;               // the slot of a request being built (zero-copy path)
    std::span<std::byte> claim;                       // its ring bytes: deadline prefix, then the message
    std::int64_t earliest_deadline_ns = kNoDeadline;  // no pending call expires before this
    std::int64_t next_peer_check_ns = 0;
    PeerWatch server;
    bool down = false;  // the server died or left: calls are refused with kUnavailable
    bool lost = false;  // a ring was found corrupt: closed for good, calls refused with kDataLoss
  };

  StatusCode begin(Connection& connection, MethodId method, std::uint32_t max_bytes, std::span<std::byte>& buffer,
                   bool& retry);
  StatusCode wait_for_outcome(ConnectionId connection, std::uint32_t bytes, std::int64_t deadline_ns,
                              Completion&& on_reply);
  void wait_a_while(std::int64_t now_ns, std::int64_t until_ns);
  std::size_t poll_connection(Connection& connection, std::int64_t now_ns);
  void on_response(Connection& connection, const RecordView& record);
  std::size_t expire(Connection& connection, std::int64_t now_ns);
  std::size_t check_peer(Connection& connection, std::int64_t now_ns);
  bool revive(Connection& connection);
  // The connection's epoch moved on without this client (fence_connection): its calls are void.
  [[nodiscard]] static bool fenced(const Connection& connection);
  std::size_t fail_pending(Connection& connection, StatusCode status);
  std::size_t close_corrupt(Connection& connection);
  void finish(Connection& connection, std::uint32_t slot, StatusCode status, std::span<const std::byte> payload);
  Connection* find(ConnectionId connection);

  ClientOptions options_;
  DoorbellLayout* own_bell_;
  IdleStrategy idle_;
  MethodTable<PayloadVerifier> verifiers_;
  std::vector<Connection> connections_;  // reserved at construction: never reallocates
  RpcClientCounters counters_;
  std::string data_loss_region_;
  bool polling_ = false;
};

}  // namespace pipescale::ipc
