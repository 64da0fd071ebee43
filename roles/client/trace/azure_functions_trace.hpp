#pragma once
// The Azure Functions invocation trace layout: one row per function,
//
//   HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
//
// with the function's invocations in each minute of a day. The Client replays the sum over the
// selected rows as a rate (each minute's count spread over its minute, as
// count/60 requests/s), drawn by client.arrival like any rate trace. Any number of minute columns
// from 1 up is read, so a short sample has as few as it needs.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::roles {

// Which rows: every one (the default), those whose HashFunction is listed, or the `top` with the
// most invocations over the file (ties: the earlier row).
struct FunctionSelection {
  std::vector<std::string> names;
  std::size_t top = 0;
};

// The selected rows' summed per-minute counts, as rate points (one per minute, then a final 0 at
// the end of the last minute).
Result<std::vector<TracePoint>> parse_azure_functions_trace(std::string_view text, std::string_view source_name,
                                                            const FunctionSelection& selection);

}  // namespace pipescale::roles
