#pragma once
// Where the open-loop Client takes its send times from: an arrival process over a rate trace, or
// the times of a request trace replayed exactly. Index i of the sequence is the Client's request
// id i, so the token counts of a replayed LLM trace are found by request id.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <variant>

#include "roles/client/trace/arrival_process.hpp"
#include "roles/client/trace/request_trace.hpp"

namespace pipescale::roles {

class RequestSource {
 public:
  // Open loop at a rate (implicit: an ArrivalProcess is the common case).
  RequestSource(ArrivalProcess arrivals) : source_(std::move(arrivals)) {}  // NOLINT(google-explicit-constructor)
  // Each request at its time in the trace.
  // Each request at its time in the trace (cyclically when the trace has a period_ns).
  explicit RequestSource(RequestTrace trace) : source_(Replay{std::move(trace), 0, 0}) {}
  // Nothing to send (a closed-loop Client, whose users decide when to send).
  static RequestSource none() { return RequestSource(RequestTrace{}); }

  // The next send time in ns after the trace's start, non-decreasing; nullopt once it has ended.
  // Never allocates.
  std::optional<std::int64_t> next_ns();
  // The token counts of the index-th request (0-based), when the trace has them.
  [[nodiscard]] std::optional<TokenCounts> tokens(std::uint64_t index) const;

 private:
  struct Replay {
    RequestTrace trace;
    std::size_t next = 0;
    std::int64_t cycle_start_ns = 0;
  };
  std::variant<ArrivalProcess, Replay> source_;
};

}  // namespace pipescale::roles
