#pragma once
// Encoders and readers for every message type, used by messages_bench.cpp. Encoders set every
// field to a plausible value (a built message is as large as a real one); readers touch every
// field and fold it into a checksum so that nothing is optimised away.
#include <cstddef>
#include <cstdint>
#include <flatbuffers/flatbuffers.h>
#include <vector>

#include "schemas/services_generated.h"

namespace pipescale::bench {

namespace ps = ::pipescale::schema;
namespace fb = ::flatbuffers;

// A completed request in a three-stage pipeline carries three stage visits: the largest Request
// the default pipeline sends.
inline constexpr std::size_t kStagesPerRequest = 3;

struct EncodeContext {
  explicit EncodeContext(std::size_t initial_bytes) : builder(initial_bytes) {}
  fb::FlatBufferBuilder builder;
  std::vector<fb::Offset<ps::Request>> request_offsets;  // reserved before timing starts
  std::size_t batch_requests = 0;
  std::uint64_t sequence = 0;
};

inline std::int64_t time_ns(std::uint64_t sequence, std::int64_t offset_ns) {
  return static_cast<std::int64_t>(sequence * 1000U) + offset_ns;
}

inline fb::Offset<ps::Request> encode_request(fb::FlatBufferBuilder& builder, std::uint64_t id) {
  ps::StageVisit visits[kStagesPerRequest];
  for (std::size_t k = 0; k < kStagesPerRequest; ++k) {
    const std::int64_t base = time_ns(id, static_cast<std::int64_t>(k) * 4000);
    visits[k] = ps::StageVisit(ps::StageTimestamps(base, base + 500, base + 900, base + 3000), id / 8, 10 + k, 8);
  }
  const auto stages = builder.CreateVectorOfStructs(visits, kStagesPerRequest);
  ps::RequestBuilder request(builder);
  request.add_request_id(id);
  request.add_client_id(1);
  request.add_intended_send_ns(time_ns(id, 0));
  request.add_actual_send_ns(time_ns(id, 20));
  request.add_deadline_ns(time_ns(id, 50'000'000));
  request.add_stage(static_cast<std::uint16_t>(kStagesPerRequest - 1));
  request.add_stages(stages);
  request.add_outcome(ps::Outcome::Completed);
  request.add_outcome_stage(static_cast<std::uint16_t>(kStagesPerRequest - 1));
  request.add_ended_ns(time_ns(id, 12'000));
  return request.Finish();
}

inline std::uint64_t read_request(const ps::Request& r) {
  std::uint64_t sum = r.request_id() + r.client_id() + r.stage() + r.outcome_stage() + r.failure_status() +
                      static_cast<std::uint64_t>(r.outcome()) + static_cast<std::uint64_t>(r.drop_reason());
  sum += static_cast<std::uint64_t>(r.intended_send_ns() + r.actual_send_ns() + r.deadline_ns() + r.ended_ns());
  if (const auto* stages = r.stages()) {
    for (const ps::StageVisit* visit : *stages) {
      const ps::StageTimestamps& t = visit->timestamps();
      sum += static_cast<std::uint64_t>(t.arrived_ns() + t.batched_ns() + t.started_ns() + t.finished_ns());
      sum += visit->batch_id() + visit->worker_id() + visit->batch_size();
    }
  }
  if (const auto* payload = r.payload()) {
    sum += payload->size();
  }
  return sum;
}

// One specialisation per message type: encode(context) and read(message).
template <class Message>
struct Codec;

template <>
struct Codec<ps::Request> {
  static fb::Offset<ps::Request> encode(EncodeContext& c) { return encode_request(c.builder, ++c.sequence); }
  static std::uint64_t read(const ps::Request& r) { return read_request(r); }
};

template <>
struct Codec<ps::Response> {
  static fb::Offset<ps::Response> encode(EncodeContext& c) {
    ps::ResponseBuilder m(c.builder);
    m.add_request_id(++c.sequence);
    m.add_accepted(true);
    return m.Finish();
  }
  static std::uint64_t read(const ps::Response& m) {
    return m.request_id() + m.accepted() + static_cast<std::uint64_t>(m.reason());
  }
};

template <>
struct Codec<ps::Batch> {
  static fb::Offset<ps::Batch> encode(EncodeContext& c) {
    const std::uint64_t batch_id = ++c.sequence;
    c.request_offsets.clear();  // keeps its capacity
    for (std::size_t i = 0; i < c.batch_requests; ++i) {
      c.request_offsets.push_back(encode_request(c.builder, batch_id * 64 + i));
    }
    const auto requests = c.builder.CreateVector(c.request_offsets);
    ps::BatchBuilder m(c.builder);
    m.add_batch_id(batch_id);
    m.add_stage(1);
    m.add_trigger(ps::BatchTrigger::Full);
    m.add_target_batch_size(static_cast<std::uint32_t>(c.batch_requests));
    m.add_cut_ns(time_ns(batch_id, 0));
    m.add_requests(requests);
    return m.Finish();
  }
  static std::uint64_t read(const ps::Batch& m) {
    std::uint64_t sum = m.batch_id() + m.stage() + m.target_batch_size() + static_cast<std::uint64_t>(m.trigger()) +
                        static_cast<std::uint64_t>(m.cut_ns());
    if (const auto* requests = m.requests()) {
      for (const ps::Request* r : *requests) {
        sum += read_request(*r);
      }
    }
    return sum;
  }
};

template <>
struct Codec<ps::BatchResponse> {
  static fb::Offset<ps::BatchResponse> encode(EncodeContext& c) {
    ps::BatchResponseBuilder m(c.builder);
    m.add_batch_id(++c.sequence);
    m.add_worker_id(12);
    m.add_accepted(true);
    m.add_queue_length(2);
    m.add_busy_until_ns(time_ns(c.sequence, 7000));
    return m.Finish();
  }
  static std::uint64_t read(const ps::BatchResponse& m) {
    return m.batch_id() + m.worker_id() + m.accepted() + m.queue_length() +
           static_cast<std::uint64_t>(m.busy_until_ns());
  }
};

template <>
struct Codec<ps::Order> {
  static fb::Offset<ps::Order> encode(EncodeContext& c) {
    ps::OrderBuilder m(c.builder);
    m.add_order_id(++c.sequence);
    m.add_worker_id(12);
    m.add_stage(1);
    m.add_kind(ps::OrderKind::Start);
    m.add_issued_ns(time_ns(c.sequence, 0));
    return m.Finish();
  }
  static std::uint64_t read(const ps::Order& m) {
    return m.order_id() + m.worker_id() + m.stage() + static_cast<std::uint64_t>(m.kind()) +
           static_cast<std::uint64_t>(m.issued_ns());
  }
};

template <>
struct Codec<ps::OrderResponse> {
  static fb::Offset<ps::OrderResponse> encode(EncodeContext& c) {
    ps::OrderResponseBuilder m(c.builder);
    m.add_order_id(++c.sequence);
    m.add_worker_id(12);
    m.add_accepted(true);
    m.add_state(ps::WorkerState::WarmingUp);
    return m.Finish();
  }
  static std::uint64_t read(const ps::OrderResponse& m) {
    return m.order_id() + m.worker_id() + m.accepted() + static_cast<std::uint64_t>(m.state());
  }
};

template <>
struct Codec<ps::Feedback> {
  static fb::Offset<ps::Feedback> encode(EncodeContext& c) {
    ps::FeedbackBuilder m(c.builder);
    m.add_worker_id(12);
    m.add_stage(1);
    m.add_state(ps::WorkerState::Active);
    m.add_previous_state(ps::WorkerState::WarmingUp);
    m.add_changed_ns(time_ns(++c.sequence, 0));
    m.add_order_id(c.sequence);
    return m.Finish();
  }
  static std::uint64_t read(const ps::Feedback& m) {
    return m.worker_id() + m.stage() + static_cast<std::uint64_t>(m.state()) +
           static_cast<std::uint64_t>(m.previous_state()) + static_cast<std::uint64_t>(m.changed_ns()) + m.order_id();
  }
};

template <>
struct Codec<ps::FeedbackResponse> {
  static fb::Offset<ps::FeedbackResponse> encode(EncodeContext& c) {
    ps::FeedbackResponseBuilder m(c.builder);
    m.add_worker_id(++c.sequence);
    return m.Finish();
  }
  static std::uint64_t read(const ps::FeedbackResponse& m) { return m.worker_id(); }
};

template <>
struct Codec<ps::QueueInformation> {
  static fb::Offset<ps::QueueInformation> encode(EncodeContext& c) {
    ps::QueueInformationBuilder m(c.builder);
    m.add_worker_id(12);
    m.add_stage(1);
    m.add_queue_length(3);
    m.add_queued_requests(24);
    m.add_busy_until_ns(time_ns(++c.sequence, 9000));
    m.add_sampled_ns(time_ns(c.sequence, 0));
    return m.Finish();
  }
  static std::uint64_t read(const ps::QueueInformation& m) {
    return m.worker_id() + m.stage() + m.queue_length() + m.queued_requests() +
           static_cast<std::uint64_t>(m.busy_until_ns() + m.sampled_ns());
  }
};

template <>
struct Codec<ps::QueueInformationResponse> {
  static fb::Offset<ps::QueueInformationResponse> encode(EncodeContext& c) {
    ps::QueueInformationResponseBuilder m(c.builder);
    m.add_worker_id(++c.sequence);
    return m.Finish();
  }
  static std::uint64_t read(const ps::QueueInformationResponse& m) { return m.worker_id(); }
};

template <>
struct Codec<ps::BatchSize> {
  static fb::Offset<ps::BatchSize> encode(EncodeContext& c) {
    ps::BatchSizeBuilder m(c.builder);
    m.add_decision_id(++c.sequence);
    m.add_stage(1);
    m.add_batch_size(16);
    m.add_target_workers(4);
    m.add_estimated_rate_rps(1250.5);
    m.add_stage_budget_ns(40'000'000);
    m.add_decided_ns(time_ns(c.sequence, 0));
    return m.Finish();
  }
  static std::uint64_t read(const ps::BatchSize& m) {
    return m.decision_id() + m.stage() + m.batch_size() + m.target_workers() +
           static_cast<std::uint64_t>(m.estimated_rate_rps()) +
           static_cast<std::uint64_t>(m.stage_budget_ns() + m.decided_ns());
  }
};

template <>
struct Codec<ps::BatchSizeResponse> {
  static fb::Offset<ps::BatchSizeResponse> encode(EncodeContext& c) {
    ps::BatchSizeResponseBuilder m(c.builder);
    m.add_decision_id(++c.sequence);
    m.add_stage(1);
    m.add_applied(true);
    return m.Finish();
  }
  static std::uint64_t read(const ps::BatchSizeResponse& m) { return m.decision_id() + m.stage() + m.applied(); }
};

template <>
struct Codec<ps::FrontendInformation> {
  static fb::Offset<ps::FrontendInformation> encode(EncodeContext& c) {
    ps::FrontendInformationBuilder m(c.builder);
    m.add_stage(1);
    m.add_sampled_ns(time_ns(++c.sequence, 0));
    m.add_window_ns(1'000'000'000);
    m.add_input_rate_rps(1180.25);
    m.add_drop_rate_rps(3.5);
    m.add_queue_length(40);
    m.add_active_workers(4);
    m.add_warming_up_workers(1);
    m.add_draining_workers(0);
    m.add_batch_size(16);
    m.add_decision_id(c.sequence);
    return m.Finish();
  }
  static std::uint64_t read(const ps::FrontendInformation& m) {
    return m.stage() + static_cast<std::uint64_t>(m.sampled_ns() + m.window_ns()) +
           static_cast<std::uint64_t>(m.input_rate_rps() + m.drop_rate_rps()) + m.queue_length() + m.active_workers() +
           m.warming_up_workers() + m.draining_workers() + m.batch_size() + m.decision_id();
  }
};

template <>
struct Codec<ps::FrontendInformationResponse> {
  static fb::Offset<ps::FrontendInformationResponse> encode(EncodeContext& c) {
    ps::FrontendInformationResponseBuilder m(c.builder);
    m.add_stage(static_cast<std::uint16_t>(1 + ++c.sequence % 4));
    return m.Finish();
  }
  static std::uint64_t read(const ps::FrontendInformationResponse& m) { return m.stage(); }
};

}  // namespace pipescale::bench
