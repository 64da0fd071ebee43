#pragma once
// One named stub per service (DESIGN.md, "The roles and their RPCs"): each rpc as
// `send_x_async(request, deadline_ns, done)` and the synchronous `send_x(request, deadline_ns
// [, on_response])`, where request is a build function or finished bytes (stub.hpp). Generic
// code can call Stub<Service>::call_async<Method>() directly.
#include <cstdint>
#include <utility>

#include "services/stub.hpp"

namespace pipescale::services {

class ClientStub : public Stub<ClientRpc> {
 public:
  using Stub::Stub;
  using SendRequest = ClientRpc::SendRequest;

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_request_async(Request&& request, std::int64_t deadline_ns,
                                                   Done<SendRequest>&& done) {
    return call_async<SendRequest>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_request(Request&& request, std::int64_t deadline_ns, OnResponse&&... on_response) {
    return call<SendRequest>(std::forward<Request>(request), deadline_ns, std::forward<OnResponse>(on_response)...);
  }
};

class FrontendStub : public Stub<FrontendRpc> {
 public:
  using Stub::Stub;
  using SendRequest = FrontendRpc::SendRequest;
  using SendFeedback = FrontendRpc::SendFeedback;
  using SendQueueInformation = FrontendRpc::SendQueueInformation;
  using SendBatchSize = FrontendRpc::SendBatchSize;

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_request_async(Request&& request, std::int64_t deadline_ns,
                                                   Done<SendRequest>&& done) {
    return call_async<SendRequest>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_request(Request&& request, std::int64_t deadline_ns, OnResponse&&... on_response) {
    return call<SendRequest>(std::forward<Request>(request), deadline_ns, std::forward<OnResponse>(on_response)...);
  }

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_feedback_async(Request&& request, std::int64_t deadline_ns,
                                                    Done<SendFeedback>&& done) {
    return call_async<SendFeedback>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_feedback(Request&& request, std::int64_t deadline_ns,
                                              OnResponse&&... on_response) {
    return call<SendFeedback>(std::forward<Request>(request), deadline_ns, std::forward<OnResponse>(on_response)...);
  }

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_queue_information_async(Request&& request, std::int64_t deadline_ns,
                                                             Done<SendQueueInformation>&& done) {
    return call_async<SendQueueInformation>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_queue_information(Request&& request, std::int64_t deadline_ns,
                                                       OnResponse&&... on_response) {
    return call<SendQueueInformation>(std::forward<Request>(request), deadline_ns,
                                      std::forward<OnResponse>(on_response)...);
  }

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_batch_size_async(Request&& request, std::int64_t deadline_ns,
                                                      Done<SendBatchSize>&& done) {
    return call_async<SendBatchSize>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_batch_size(Request&& request, std::int64_t deadline_ns,
                                                OnResponse&&... on_response) {
    return call<SendBatchSize>(std::forward<Request>(request), deadline_ns, std::forward<OnResponse>(on_response)...);
  }
};

class WorkerStub : public Stub<WorkerRpc> {
 public:
  using Stub::Stub;
  using SendBatch = WorkerRpc::SendBatch;
  using SendOrder = WorkerRpc::SendOrder;

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_batch_async(Request&& request, std::int64_t deadline_ns, Done<SendBatch>&& done) {
    return call_async<SendBatch>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_batch(Request&& request, std::int64_t deadline_ns, OnResponse&&... on_response) {
    return call<SendBatch>(std::forward<Request>(request), deadline_ns, std::forward<OnResponse>(on_response)...);
  }

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_order_async(Request&& request, std::int64_t deadline_ns, Done<SendOrder>&& done) {
    return call_async<SendOrder>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_order(Request&& request, std::int64_t deadline_ns, OnResponse&&... on_response) {
    return call<SendOrder>(std::forward<Request>(request), deadline_ns, std::forward<OnResponse>(on_response)...);
  }
};

class SchedulerStub : public Stub<SchedulerRpc> {
 public:
  using Stub::Stub;
  using SendFrontendInformation = SchedulerRpc::SendFrontendInformation;

  template <class Request>
  [[nodiscard]] ipc::StatusCode send_frontend_information_async(Request&& request, std::int64_t deadline_ns,
                                                                Done<SendFrontendInformation>&& done) {
    return call_async<SendFrontendInformation>(std::forward<Request>(request), deadline_ns, std::move(done));
  }
  template <class Request, class... OnResponse>
  [[nodiscard]] ipc::StatusCode send_frontend_information(Request&& request, std::int64_t deadline_ns,
                                                          OnResponse&&... on_response) {
    return call<SendFrontendInformation>(std::forward<Request>(request), deadline_ns,
                                         std::forward<OnResponse>(on_response)...);
  }
};

}  // namespace pipescale::services
