#pragma once
// Event counters of an RpcClient and an RpcServer: plain structs of lock-free atomics, so that a
// diagnostics thread (or, placed in a segment later, another process) can read them while the
// owner runs. The owning thread is the only writer: it bumps with a relaxed load and store (no
// locked instruction on the call path); readers load relaxed and see a recent value.
#include <array>
#include <atomic>
#include <cstdint>

#include "ipc/rpc/status.hpp"

namespace pipescale::ipc {

using Counter = std::atomic<std::uint64_t>;
static_assert(Counter::is_always_lock_free);

// Single writer: see above. Pairs with nothing; readers only want a recent value.
inline void bump(Counter& counter, std::uint64_t by = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}
inline std::uint64_t counter_value(const Counter& counter) { return counter.load(std::memory_order_relaxed); }

struct RpcClientCounters {
  Counter calls_started{0};                                // accepted: will complete exactly once
  std::array<Counter, kLargestStatusCode + 1> outcomes{};  // completions of started calls, by status
  // Refused at the start (the returned status is the call's outcome; no completion fires):
  Counter window_full{0};          // no free slot in the window (kResourceExhausted)
  Counter ring_full{0};            // the request ring had no room at that moment (kResourceExhausted)
  Counter ring_full_timeouts{0};   // a synchronous caller found no slot or room until its deadline
  Counter too_large{0};            // a request over the ring's largest payload (kResourceExhausted)
  Counter refused_unavailable{0};  // the server is known dead (kUnavailable)
  // Responses that completed nothing:
  Counter late_responses{0};         // no pending call under that correlation id (timed out, slot reused)
  Counter stale_epoch_responses{0};  // addressed to an earlier incarnation of this client
  Counter malformed_responses{0};    // not flagged as a response
  // Responses that completed their call with an error:
  Counter invalid_responses{0};  // failed the method's response verifier (kInvalidArgument)
  Counter method_mismatches{0};  // answered under another method id (kInternal)
  // Peer watching:
  Counter peer_checks{0};  // pidfd polls made
  Counter peer_deaths{0};  // server found dead, or gone from the connection: pending calls failed
  // Corruption: a ring of the connection held an impossible record or position. The connection
  // is closed for good; its pending calls fail and new ones are refused with kDataLoss.
  Counter data_loss{0};          // connections closed so
  Counter refused_data_loss{0};  // calls refused at the start on such a connection

  [[nodiscard]] std::uint64_t completed(StatusCode status) const {
    return counter_value(outcomes[static_cast<std::size_t>(status)]);
  }
};

struct RpcServerCounters {
  Counter requests_received{0};     // records read from request rings
  Counter requests_dispatched{0};   // handed to a handler
  Counter unimplemented{0};         // unknown method id: answered kUnimplemented
  Counter invalid_requests{0};      // failed the request verifier: answered kInvalidArgument
  Counter malformed_requests{0};    // not flagged as a request, or shorter than the deadline: kInvalidArgument
  Counter expired_requests{0};      // deadline passed before dispatch: answered kDeadlineExceeded
  Counter stale_epoch_requests{0};  // from an earlier incarnation of the client: skipped, no answer
  Counter handler_no_reply{0};      // a handler neither replied nor deferred: answered kInternal
  Counter deferred{0};              // handlers that kept a reply token to answer later
  Counter responses_sent{0};        // response records committed to a response ring
  Counter error_responses{0};       // of which carried a status other than kOk
  Counter backlogged{0};            // responses parked because the response ring was full
  Counter backlog_overflow{0};      // ... and did not fit the backlog either: lost, caller times out
  Counter too_large_responses{0};   // over the response ring's largest payload: answered kResourceExhausted
  Counter dropped_broken_ring{0};   // the client marked the response ring broken (seen once it filled up)
  Counter misuse{0};                // replies to unknown connections, second replies, overlapping claims
  Counter data_loss{0};             // connections closed because one of their rings was found corrupt
};

}  // namespace pipescale::ipc
