#pragma once
// Messages and handlers for tests of the typed services: deterministic requests of every rpc, a
// handler of all four services whose answers are computed from the request (so any transport
// must give the same bytes), and requests that make it fail, defer or stay silent.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <flatbuffers/flatbuffers.h>
#include <flatbuffers/minireflect.h>
#include <string>
#include <vector>

#include "schemas/services_generated.h"
#include "services/handlers.hpp"

namespace pipescale::test {

namespace schema = pipescale::schema;
using Builder = flatbuffers::FlatBufferBuilder;

// Request ids (and batch ids) that change what the handler does.
inline constexpr std::uint64_t kFailBase = 1'000'000;         // kFailBase + n: fail with status n
inline constexpr std::uint64_t kDeferForever = 2'000'000;     // defer, never answer
inline constexpr std::uint64_t kDeferThenAnswer = 2'000'001;  // defer, answer on the next agent step
inline constexpr std::uint64_t kSilent = 2'000'002;           // neither answer nor defer
inline constexpr std::uint64_t kEchoDeadline = 2'000'003;     // answer with request_id = the deadline seen

// Every field, through the schema's reflection tables: what a test compares across transports.
template <class Table>
std::string render(const Table& table) {
  flatbuffers::ToStringVisitor visitor(" ", false, "", false);
  flatbuffers::IterateObject(reinterpret_cast<const std::uint8_t*>(&table), Table::MiniReflectTypeTable(), &visitor);
  return visitor.s;
}

inline flatbuffers::Offset<schema::Request> build_request(Builder& builder, std::uint64_t id, std::uint16_t stages = 1,
                                                          std::size_t payload_bytes = 0) {
  std::vector<schema::StageVisit> visits;
  for (std::uint16_t stage = 0; stage < stages; ++stage) {
    const auto base = static_cast<std::int64_t>(id * 1000 + std::uint64_t{stage} * 100);
    visits.emplace_back(schema::StageTimestamps(base, base + 10, base + 20, base + 30), id + stage, 40U + stage, 8);
  }
  const auto stage_offsets = builder.CreateVectorOfStructs(visits);
  flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> payload_offset;
  if (payload_bytes != 0) {
    payload_offset = builder.CreateVector(std::vector<std::uint8_t>(payload_bytes, static_cast<std::uint8_t>(id)));
  }
  schema::RequestBuilder request(builder);
  request.add_request_id(id);
  request.add_client_id(3);
  request.add_intended_send_ns(static_cast<std::int64_t>(id) * 7);
  request.add_deadline_ns(static_cast<std::int64_t>(id) * 7 + 5'000'000);
  request.add_stage(static_cast<std::uint16_t>(stages - 1));
  request.add_stages(stage_offsets);
  if (payload_bytes != 0) request.add_payload(payload_offset);
  return request.Finish();
}

inline flatbuffers::Offset<schema::Request> build_ended_request(Builder& builder, std::uint64_t id,
                                                                schema::Outcome outcome) {
  const auto visits = builder.CreateVectorOfStructs(
      std::vector<schema::StageVisit>(3, schema::StageVisit(schema::StageTimestamps(1, 2, 3, 4), id, 9, 4)));
  schema::RequestBuilder request(builder);
  request.add_request_id(id);
  request.add_stages(visits);
  request.add_outcome(outcome);
  request.add_outcome_stage(2);
  if (outcome == schema::Outcome::Dropped) request.add_drop_reason(schema::DropReason::DeadlineUnreachable);
  request.add_ended_ns(123'456);
  return request.Finish();
}

inline flatbuffers::Offset<schema::Batch> build_batch(Builder& builder, std::uint64_t batch_id, std::size_t size) {
  std::vector<flatbuffers::Offset<schema::Request>> requests;
  for (std::size_t i = 0; i < size; ++i) requests.push_back(build_request(builder, batch_id * 100 + i, 2));
  const auto vector = builder.CreateVector(requests);
  return schema::CreateBatch(builder, batch_id, 1, schema::BatchTrigger::Full, static_cast<std::uint32_t>(size), 777,
                             vector);
}

inline flatbuffers::Offset<schema::Feedback> build_feedback(Builder& builder, std::uint64_t worker_id) {
  return schema::CreateFeedback(builder, worker_id, 1, schema::WorkerState::Active, schema::WorkerState::WarmingUp, 55,
                                4);
}
inline flatbuffers::Offset<schema::QueueInformation> build_queue_information(Builder& builder, std::uint64_t worker) {
  return schema::CreateQueueInformation(builder, worker, 1, 3, 24, 9'000, 8'000);
}
inline flatbuffers::Offset<schema::BatchSize> build_batch_size(Builder& builder, std::uint64_t decision_id) {
  return schema::CreateBatchSize(builder, decision_id, 1, 16, 4, 250.5, 20'000'000, 99);
}
inline flatbuffers::Offset<schema::Order> build_order(Builder& builder, std::uint64_t order_id,
                                                      schema::OrderKind kind) {
  return schema::CreateOrder(builder, order_id, 12, 1, kind, 4'242);
}
inline flatbuffers::Offset<schema::FrontendInformation> build_frontend_information(Builder& builder,
                                                                                   std::uint16_t stage) {
  return schema::CreateFrontendInformation(builder, stage, 1'000, 500, 120.25, 3.5, 17, 4, 1, 0, 16, 7);
}

// Serves all four services. Runs on the agent's thread only.
class TestHandlers final : public services::ClientHandler,
                           public services::FrontendHandler,
                           public services::WorkerHandler,
                           public services::SchedulerHandler {
 public:
  using FrontendSendRequest = services::FrontendRpc::SendRequest;

  // Called after every agent step: answers the requests deferred with kDeferThenAnswer.
  void answer_deferred(services::Dispatcher& frontend) {
    for (auto& deferred : to_answer_) {
      const std::uint64_t id = kDeferThenAnswer;
      (void)frontend.reply(deferred, [id](Builder& builder) { return schema::CreateResponse(builder, id, true); });
    }
    to_answer_.clear();
  }
  // Read by the test's thread while the agent's runs.
  [[nodiscard]] int deferred_forever() const { return deferred_forever_.load(std::memory_order_acquire); }

  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::ClientRpc::SendRequest>& response) override {
    const bool accepted = request.outcome() != schema::Outcome::InFlight;
    const auto reason = request.drop_reason();
    (void)response.reply(
        [&](Builder& builder) { return schema::CreateResponse(builder, request.request_id(), accepted, reason); });
  }
  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<FrontendSendRequest>& response) override {
    const std::uint64_t id = request.request_id();
    if (special(id, response)) return;
    const bool accepted = id % 3 != 0;
    const auto reason = accepted ? schema::DropReason::None : schema::DropReason::QueueFull;
    (void)response.reply([&](Builder& builder) { return schema::CreateResponse(builder, id, accepted, reason); });
  }
  void on_send_feedback(const schema::Feedback& feedback,
                        services::ResponseWriter<services::FrontendRpc::SendFeedback>& response) override {
    (void)response.reply([&](Builder& b) { return schema::CreateFeedbackResponse(b, feedback.worker_id()); });
  }
  void on_send_queue_information(
      const schema::QueueInformation& information,
      services::ResponseWriter<services::FrontendRpc::SendQueueInformation>& response) override {
    (void)response.reply(
        [&](Builder& b) { return schema::CreateQueueInformationResponse(b, information.worker_id()); });
  }
  void on_send_batch_size(const schema::BatchSize& size,
                          services::ResponseWriter<services::FrontendRpc::SendBatchSize>& response) override {
    (void)response.reply([&](Builder& b) {
      return schema::CreateBatchSizeResponse(b, size.decision_id(), size.stage(), size.decision_id() % 2 == 1);
    });
  }
  void on_send_batch(const schema::Batch& batch,
                     services::ResponseWriter<services::WorkerRpc::SendBatch>& response) override {
    if (batch.batch_id() >= kFailBase && batch.batch_id() <= kFailBase + 16) {
      (void)response.fail(static_cast<ipc::StatusCode>(batch.batch_id() - kFailBase));
      return;
    }
    const auto count = batch.requests() != nullptr ? batch.requests()->size() : 0U;
    std::int64_t busy_until_ns = batch.cut_ns();
    for (flatbuffers::uoffset_t i = 0; i < count; ++i) {
      busy_until_ns += static_cast<std::int64_t>(batch.requests()->Get(i)->request_id());
    }
    (void)response.reply([&](Builder& b) {
      return schema::CreateBatchResponse(b, batch.batch_id(), 1000U + batch.stage(), true, count, busy_until_ns);
    });
  }
  void on_send_order(const schema::Order& order,
                     services::ResponseWriter<services::WorkerRpc::SendOrder>& response) override {
    const bool start = order.kind() == schema::OrderKind::Start;
    const auto state = start ? schema::WorkerState::WarmingUp : schema::WorkerState::Draining;
    (void)response.reply([&](Builder& b) {
      return schema::CreateOrderResponse(b, order.order_id(), order.worker_id(),
                                         order.kind() != schema::OrderKind::Unknown, state);
    });
  }
  void on_send_frontend_information(
      const schema::FrontendInformation& information,
      services::ResponseWriter<services::SchedulerRpc::SendFrontendInformation>& response) override {
    (void)response.reply([&](Builder& b) { return schema::CreateFrontendInformationResponse(b, information.stage()); });
  }

 private:
  // The request ids that fail, defer or stay silent; true when it handled the request.
  bool special(std::uint64_t id, services::ResponseWriter<FrontendSendRequest>& response) {
    if (id >= kFailBase && id <= kFailBase + 16) {
      (void)response.fail(static_cast<ipc::StatusCode>(id - kFailBase));
    } else if (id == kDeferForever) {
      kept_.push_back(response.defer());
      deferred_forever_.fetch_add(1, std::memory_order_release);  // pairs with deferred_forever()
    } else if (id == kEchoDeadline) {
      const auto deadline = static_cast<std::uint64_t>(response.deadline_ns());
      (void)response.reply([deadline](Builder& builder) { return schema::CreateResponse(builder, deadline, true); });
    } else if (id == kDeferThenAnswer) {
      to_answer_.push_back(response.defer());
    } else {
      return id == kSilent;
    }
    return true;
  }

  std::vector<services::Deferred<FrontendSendRequest>> kept_;
  std::vector<services::Deferred<FrontendSendRequest>> to_answer_;
  std::atomic<int> deferred_forever_{0};
};

}  // namespace pipescale::test
