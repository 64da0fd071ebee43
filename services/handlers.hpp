#pragma once
// What a role implements to serve its service: one handler interface per service, one member per
// rpc, and the dispatcher that a transport serves it with:
//
//   class Frontend final : public services::FrontendHandler { ... };
//   Frontend frontend;
//   services::FrontendDispatcher dispatcher(frontend);
//   transport.serve(dispatcher);
//
// The request is verified and valid only during the call; the writer answers it (dispatcher.hpp).
#include "schemas/services_generated.h"
#include "services/dispatcher.hpp"

namespace pipescale::services {

class ClientHandler {
 public:
  virtual ~ClientHandler() = default;
  // A request comes back completed, or dropped (with stage and reason).
  virtual void on_send_request(const schema::Request& request, ResponseWriter<ClientRpc::SendRequest>& response) = 0;
};

class FrontendHandler {
 public:
  virtual ~FrontendHandler() = default;
  // A request enters this stage's queue.
  virtual void on_send_request(const schema::Request& request, ResponseWriter<FrontendRpc::SendRequest>& response) = 0;
  // A Worker's state changed.
  virtual void on_send_feedback(const schema::Feedback& feedback,
                                ResponseWriter<FrontendRpc::SendFeedback>& response) = 0;
  // A Worker's queue length and when it will be free.
  virtual void on_send_queue_information(const schema::QueueInformation& information,
                                         ResponseWriter<FrontendRpc::SendQueueInformation>& response) = 0;
  // The Scheduler's batch size and Worker count for this stage.
  virtual void on_send_batch_size(const schema::BatchSize& batch_size,
                                  ResponseWriter<FrontendRpc::SendBatchSize>& response) = 0;
};

class WorkerHandler {
 public:
  virtual ~WorkerHandler() = default;
  virtual void on_send_batch(const schema::Batch& batch, ResponseWriter<WorkerRpc::SendBatch>& response) = 0;
  virtual void on_send_order(const schema::Order& order, ResponseWriter<WorkerRpc::SendOrder>& response) = 0;
};

class SchedulerHandler {
 public:
  virtual ~SchedulerHandler() = default;
  virtual void on_send_frontend_information(const schema::FrontendInformation& information,
                                            ResponseWriter<SchedulerRpc::SendFrontendInformation>& response) = 0;
};

template <>
struct HandlerOf<ClientRpc::SendRequest> {
  static constexpr auto kMember = &ClientHandler::on_send_request;
};
template <>
struct HandlerOf<FrontendRpc::SendRequest> {
  static constexpr auto kMember = &FrontendHandler::on_send_request;
};
template <>
struct HandlerOf<FrontendRpc::SendFeedback> {
  static constexpr auto kMember = &FrontendHandler::on_send_feedback;
};
template <>
struct HandlerOf<FrontendRpc::SendQueueInformation> {
  static constexpr auto kMember = &FrontendHandler::on_send_queue_information;
};
template <>
struct HandlerOf<FrontendRpc::SendBatchSize> {
  static constexpr auto kMember = &FrontendHandler::on_send_batch_size;
};
template <>
struct HandlerOf<WorkerRpc::SendBatch> {
  static constexpr auto kMember = &WorkerHandler::on_send_batch;
};
template <>
struct HandlerOf<WorkerRpc::SendOrder> {
  static constexpr auto kMember = &WorkerHandler::on_send_order;
};
template <>
struct HandlerOf<SchedulerRpc::SendFrontendInformation> {
  static constexpr auto kMember = &SchedulerHandler::on_send_frontend_information;
};

using ClientDispatcher = ServiceDispatcher<ClientRpc, ClientHandler>;
using FrontendDispatcher = ServiceDispatcher<FrontendRpc, FrontendHandler>;
using WorkerDispatcher = ServiceDispatcher<WorkerRpc, WorkerHandler>;
using SchedulerDispatcher = ServiceDispatcher<SchedulerRpc, SchedulerHandler>;

}  // namespace pipescale::services
