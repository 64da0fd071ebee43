#pragma once
// The messages every transport of the rpc benchmark carries, and the one handler logic every
// server runs: the same Request and Response bytes over the rings and over gRPC.
//
// The Request is the one the last stage of a pipeline sends back to the Client: a request id,
// its send time and deadline, the stage index and one StageVisit per stage it went through, all
// filled in (3 visits by default: 280 bytes, the largest Request the default pipeline sends).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <flatbuffers/flatbuffers.h>
#include <new>
#include <span>

#include "schemas/method_ids.hpp"
#include "schemas/services_generated.h"
#include "schemas/struct_vector.hpp"

namespace pipescale::bench {

namespace ps = ::pipescale::schema;
using SendRequest = ps::rpc::FrontendService::SendRequest;

inline constexpr std::size_t kDefaultStageVisits = 3;
inline constexpr std::size_t kMaxStageVisits = 16;
inline constexpr std::int64_t kEndToEndSloNs = 50'000'000;  // the deadline a Client would set

// Builds (and finishes) a Request into `builder`, which the caller has cleared. `now_ns` is the
// send time; the visits' timestamps lie before it, as a real journey's would.
inline void build_request(flatbuffers::FlatBufferBuilder& builder, std::uint64_t request_id, std::int64_t now_ns,
                          std::size_t stage_visits) {
  const std::size_t count = std::min(stage_visits, kMaxStageVisits);
  ps::StageVisit* visits = nullptr;
  const auto stages = ps::create_struct_vector_in_place(builder, count, visits);  // constructed in place
  for (std::size_t k = 0; k < count; ++k) {
    const std::int64_t arrived = now_ns - static_cast<std::int64_t>(count - k) * 4'000'000;
    new (visits + k)
        ps::StageVisit(ps::StageTimestamps(arrived, arrived + 500'000, arrived + 900'000, arrived + 3'000'000),
                       request_id / 8 + k, 10 + k, 8);
  }
  ps::RequestBuilder request(builder);
  request.add_request_id(request_id);
  request.add_client_id(1);
  request.add_intended_send_ns(now_ns - static_cast<std::int64_t>(count) * 4'000'000);
  request.add_actual_send_ns(now_ns);
  request.add_deadline_ns(now_ns + kEndToEndSloNs);
  request.add_stage(static_cast<std::uint16_t>(count == 0 ? 0 : count - 1));
  request.add_stages(stages);
  builder.Finish(request.Finish());
}

struct ResponseFields {
  std::uint64_t request_id = 0;
  bool accepted = false;
  ps::DropReason reason = ps::DropReason::None;
};

// The server's work, the same on every transport: read what a Frontend reads on arrival (the id,
// the deadline, the stage and its visit) and accept the request if it is consistent.
inline ResponseFields answer(const ps::Request& request) {
  const auto* stages = request.stages();
  const bool has_visit = stages != nullptr && request.stage() < stages->size();
  const std::int64_t arrived_ns = has_visit ? stages->Get(request.stage())->timestamps().arrived_ns() : 0;
  const bool in_time = request.deadline_ns() > request.actual_send_ns() && arrived_ns <= request.actual_send_ns();
  const bool accepted = has_visit && in_time;
  return {request.request_id(), accepted, accepted ? ps::DropReason::None : ps::DropReason::DeadlineUnreachable};
}

inline void build_response(flatbuffers::FlatBufferBuilder& builder, const ResponseFields& fields) {
  builder.Finish(ps::CreateResponse(builder, fields.request_id, fields.accepted, fields.reason));
}

// What the caller checks in every Response it reads.
inline bool response_matches(const ps::Response& response, std::uint64_t request_id) {
  return response.request_id() == request_id && response.accepted();
}

inline std::span<const std::byte> finished_bytes(const flatbuffers::FlatBufferBuilder& builder) {
  return {reinterpret_cast<const std::byte*>(builder.GetBufferPointer()), builder.GetSize()};
}

}  // namespace pipescale::bench
