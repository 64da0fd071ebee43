#pragma once
// What a shm_rpc call costs in instructions alone, with no cross-core traffic: measured on the
// harness's core before the session, to take the cross-core round trip apart (bench/README.md).
//   encode_request      Clear() and build the Request
//   verify_request      verify_message<Request> (what the RpcServer runs before the handler)
//   answer              the handler: read the Request, Clear() and build the Response
//   verify_response     verify_message<Response> and read it (what the caller does)
//   local_round_trip    a whole call with the client and the server in this process on this core
//                       (call_async, server poll, client poll): every step above plus the rpc
//                       layer's own work (slots, records, doorbell checks, completions)
//   local_bare_round_trip  the same with the shm_rpc_bare method: the rpc layer and the ring alone
// Each figure is the median, over batches, of a batch's mean time per operation.
#include <cstddef>

#include "base/result.hpp"

namespace pipescale::bench {

struct ComputeCosts {
  double encode_request_ns = 0;
  double verify_request_ns = 0;
  double answer_ns = 0;
  double verify_response_ns = 0;
  double local_round_trip_ns = 0;
  double local_bare_round_trip_ns = 0;
};

Result<ComputeCosts> measure_compute_costs(std::size_t stage_visits);

}  // namespace pipescale::bench
