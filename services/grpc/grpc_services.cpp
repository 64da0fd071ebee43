#include "services/grpc/grpc_services.hpp"

#include <flatbuffers/grpc.h>

#include "schemas/services.grpc.fb.h"
#include "services/grpc/grpc_server.hpp"

namespace pipescale::services {

namespace {

using flatbuffers::grpc::Message;

class ClientGrpcService final : public schema::ClientService::Service {
 public:
  explicit ClientGrpcService(GrpcServerAdapter& adapter) : adapter_(&adapter) {}
  grpc::Status SendRequest(grpc::ServerContext* context, const Message<schema::Request>* in,
                           Message<schema::Response>* out) override {
    return adapter_->handle<ClientRpc::SendRequest>(*context, *in, *out);
  }

 private:
  GrpcServerAdapter* adapter_;
};

class FrontendGrpcService final : public schema::FrontendService::Service {
 public:
  explicit FrontendGrpcService(GrpcServerAdapter& adapter) : adapter_(&adapter) {}
  grpc::Status SendRequest(grpc::ServerContext* context, const Message<schema::Request>* in,
                           Message<schema::Response>* out) override {
    return adapter_->handle<FrontendRpc::SendRequest>(*context, *in, *out);
  }
  grpc::Status SendFeedback(grpc::ServerContext* context, const Message<schema::Feedback>* in,
                            Message<schema::FeedbackResponse>* out) override {
    return adapter_->handle<FrontendRpc::SendFeedback>(*context, *in, *out);
  }
  grpc::Status SendQueueInformation(grpc::ServerContext* context, const Message<schema::QueueInformation>* in,
                                    Message<schema::QueueInformationResponse>* out) override {
    return adapter_->handle<FrontendRpc::SendQueueInformation>(*context, *in, *out);
  }
  grpc::Status SendBatchSize(grpc::ServerContext* context, const Message<schema::BatchSize>* in,
                             Message<schema::BatchSizeResponse>* out) override {
    return adapter_->handle<FrontendRpc::SendBatchSize>(*context, *in, *out);
  }

 private:
  GrpcServerAdapter* adapter_;
};

class WorkerGrpcService final : public schema::WorkerService::Service {
 public:
  explicit WorkerGrpcService(GrpcServerAdapter& adapter) : adapter_(&adapter) {}
  grpc::Status SendBatch(grpc::ServerContext* context, const Message<schema::Batch>* in,
                         Message<schema::BatchResponse>* out) override {
    return adapter_->handle<WorkerRpc::SendBatch>(*context, *in, *out);
  }
  grpc::Status SendOrder(grpc::ServerContext* context, const Message<schema::Order>* in,
                         Message<schema::OrderResponse>* out) override {
    return adapter_->handle<WorkerRpc::SendOrder>(*context, *in, *out);
  }

 private:
  GrpcServerAdapter* adapter_;
};

class SchedulerGrpcService final : public schema::SchedulerService::Service {
 public:
  explicit SchedulerGrpcService(GrpcServerAdapter& adapter) : adapter_(&adapter) {}
  grpc::Status SendFrontendInformation(grpc::ServerContext* context, const Message<schema::FrontendInformation>* in,
                                       Message<schema::FrontendInformationResponse>* out) override {
    return adapter_->handle<SchedulerRpc::SendFrontendInformation>(*context, *in, *out);
  }

 private:
  GrpcServerAdapter* adapter_;
};

}  // namespace

std::unique_ptr<grpc::Service> make_generated_service(std::uint8_t service_id, GrpcServerAdapter& adapter) {
  switch (service_id) {
    case ClientRpc::kServiceId: return std::make_unique<ClientGrpcService>(adapter);
    case FrontendRpc::kServiceId: return std::make_unique<FrontendGrpcService>(adapter);
    case WorkerRpc::kServiceId: return std::make_unique<WorkerGrpcService>(adapter);
    case SchedulerRpc::kServiceId: return std::make_unique<SchedulerGrpcService>(adapter);
    default: return nullptr;
  }
}

}  // namespace pipescale::services
