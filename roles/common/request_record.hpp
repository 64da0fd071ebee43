#pragma once
// A request as a role holds it between receiving it and sending it on: the fields of
// schema::Request copied out of the received (and soon reused) buffer into plain storage, and
// encoded back into a Request for the next hop. Fixed size, so that queues of them are arrays
// allocated once: a pipeline has at most kMaxStages stages.
//
// The optional `payload` field of Request is not carried: the roles exchange no model input, so
// a payload a Client might attach ends at the first Frontend (documented in schemas/README.md).
#include <array>
#include <cstdint>
#include <flatbuffers/flatbuffer_builder.h>

#include "schemas/request_generated.h"

namespace pipescale::roles {

inline constexpr int kMaxStages = 8;

struct RequestRecord {
  std::uint64_t request_id = 0;
  std::uint64_t client_id = 0;
  std::int64_t intended_send_ns = 0;
  std::int64_t actual_send_ns = 0;
  std::int64_t deadline_ns = 0;
  std::uint16_t stage = 0;
  std::uint16_t stage_count = 0;  // visits in use: the pipeline's stage count
  std::array<schema::StageVisit, kMaxStages> visits{};

  [[nodiscard]] schema::StageVisit& visit(std::uint16_t s) { return visits[s < kMaxStages ? s : kMaxStages - 1]; }
};

// How a request's journey ended, when a role reports it to the Client.
struct Outcome {
  schema::Outcome outcome = schema::Outcome::InFlight;
  std::uint16_t stage = 0;  // where it completed, was dropped or failed
  schema::DropReason drop_reason = schema::DropReason::None;
  std::uint16_t failure_status = 0;  // ipc::StatusCode numbering
  std::int64_t ended_ns = 0;
};

// Copies what a role keeps of `request`. `stage_count` bounds the visits kept (the rest of the
// sender's vector, if longer, is ignored; if shorter, the missing visits are zero).
void copy_request(const schema::Request& request, std::uint16_t stage_count, RequestRecord& out);

// A Request for the next hop: the record's fields, its visits, and the outcome (InFlight while it
// travels between stages).
flatbuffers::Offset<schema::Request> build_request(flatbuffers::FlatBufferBuilder& builder, const RequestRecord& record,
                                                   const Outcome& outcome = {});

// A bare Request for the Client that carries only an id and an outcome: what a role sends when it
// no longer holds the request's other fields (a failed forward, a lost batch).
flatbuffers::Offset<schema::Request> build_outcome_only(flatbuffers::FlatBufferBuilder& builder,
                                                        std::uint64_t request_id, std::uint64_t client_id,
                                                        const Outcome& outcome);

}  // namespace pipescale::roles
