#include "roles/common/request_record.hpp"

#include <algorithm>
#include <cstring>

#include "schemas/struct_vector.hpp"

namespace pipescale::roles {

void copy_request(const schema::Request& request, std::uint16_t stage_count, RequestRecord& out) {
  out.request_id = request.request_id();
  out.client_id = request.client_id();
  out.intended_send_ns = request.intended_send_ns();
  out.actual_send_ns = request.actual_send_ns();
  out.deadline_ns = request.deadline_ns();
  out.stage = request.stage();
  out.stage_count = std::min<std::uint16_t>(stage_count, kMaxStages);
  const auto* visits = request.stages();
  const std::uint32_t given = visits == nullptr ? 0 : visits->size();
  for (std::uint16_t s = 0; s < out.stage_count; ++s) {
    out.visits[s] = s < given ? *visits->Get(s) : schema::StageVisit{};
  }
}

flatbuffers::Offset<schema::Request> build_request(flatbuffers::FlatBufferBuilder& builder, const RequestRecord& record,
                                                   const Outcome& outcome) {
  // Copied straight into the builder's buffer (schemas/struct_vector.hpp): no staging copy.
  schema::StageVisit* in_place = nullptr;
  const auto visits = schema::create_struct_vector_in_place(builder, record.stage_count, in_place);
  if (record.stage_count != 0) {
    std::memcpy(static_cast<void*>(in_place), record.visits.data(), record.stage_count * sizeof(schema::StageVisit));
  }
  schema::RequestBuilder request(builder);
  request.add_request_id(record.request_id);
  request.add_client_id(record.client_id);
  request.add_intended_send_ns(record.intended_send_ns);
  request.add_actual_send_ns(record.actual_send_ns);
  request.add_deadline_ns(record.deadline_ns);
  request.add_stage(record.stage);
  request.add_stages(visits);
  request.add_outcome(outcome.outcome);
  request.add_outcome_stage(outcome.stage);
  request.add_drop_reason(outcome.drop_reason);
  request.add_failure_status(outcome.failure_status);
  request.add_ended_ns(outcome.ended_ns);
  return request.Finish();
}

flatbuffers::Offset<schema::Request> build_outcome_only(flatbuffers::FlatBufferBuilder& builder,
                                                        std::uint64_t request_id, std::uint64_t client_id,
                                                        const Outcome& outcome) {
  RequestRecord record;
  record.request_id = request_id;
  record.client_id = client_id;
  record.stage = outcome.stage;
  return build_request(builder, record, outcome);  // no visits: stage_count is 0
}

}  // namespace pipescale::roles
