#pragma once
// The serving side, written once against ipc's transport-neutral RequestView, Responder and
// ReplySink: the ring server (ipc::RpcServer) and the gRPC server adapter both hand every request
// to the same Dispatcher, which runs the role's typed handler.
//
// A handler sees the verified request and a ResponseWriter, and answers exactly once: reply()
// (a build function or finished bytes), fail(status), or defer() to answer later through the
// Dispatcher, from the thread that polls the transport. A handler that does none of these has its
// caller answered kInternal. Handlers run on the thread that polls the transport, never
// concurrently.
#include <cstddef>
#include <cstdint>
#include <flatbuffers/flatbuffer_builder.h>
#include <flatbuffers/flatbuffers.h>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ipc/rpc/method.hpp"
#include "ipc/rpc/responder.hpp"
#include "services/encode.hpp"
#include "services/method_specs.hpp"

namespace pipescale::services {

// A request kept open past its handler. Plain data: store it anywhere; answer it once, through
// the Dispatcher, before the transport that delivered it is destroyed.
template <class Method>
class Deferred {
 public:
  Deferred() = default;
  Deferred(ipc::ReplySink& sink, const ipc::ReplyToken& token) : sink_(&sink), token_(token) {}

  [[nodiscard]] bool pending() const { return sink_ != nullptr; }
  [[nodiscard]] const ipc::ReplyToken& token() const { return token_; }

 private:
  friend class Dispatcher;
  ipc::ReplySink* sink_ = nullptr;
  ipc::ReplyToken token_{};
};

template <class Method>
class ResponseWriter {
 public:
  using Response = typename Method::Response;

  ResponseWriter(const ipc::RequestView& request, ipc::Responder& responder, ipc::ReplySink& sink,
                 flatbuffers::FlatBufferBuilder& builder)
      : request_(&request), responder_(&responder), sink_(&sink), builder_(&builder) {}

  // build: (flatbuffers::FlatBufferBuilder&) -> flatbuffers::Offset<Response>, run on a reused
  // builder; or finished bytes.
  template <class Build>
  [[nodiscard]] ipc::StatusCode reply(Build&& build) {
    return responder_->reply(detail::encode<Response>(*builder_, build));
  }
  [[nodiscard]] ipc::StatusCode fail(ipc::StatusCode status) { return responder_->fail(status); }
  [[nodiscard]] Deferred<Method> defer() { return Deferred<Method>(*sink_, responder_->defer()); }

  // The caller's deadline (CLOCK_MONOTONIC ns), 0 for none.
  [[nodiscard]] std::int64_t deadline_ns() const { return request_->deadline_ns; }
  // The ring connection the request came on (RpcServer::add_connection's index); 0 over gRPC.
  [[nodiscard]] std::uint32_t connection() const { return request_->connection; }

 private:
  const ipc::RequestView* request_;
  ipc::Responder* responder_;
  ipc::ReplySink* sink_;
  flatbuffers::FlatBufferBuilder* builder_;
};

// The server side of one service, whatever the transport.
class Dispatcher {
 public:
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;
  virtual ~Dispatcher() = default;

  [[nodiscard]] std::uint8_t service_id() const { return service_id_; }
  [[nodiscard]] std::string_view service_name() const { return service_name_; }
  // Every method of the service, with its verifiers: what a transport registers.
  [[nodiscard]] std::span<const ipc::MethodSpec> methods() const { return methods_; }

  // request.payload has passed the method's request verifier. An id this service does not have
  // is answered kUnimplemented.
  virtual void dispatch(const ipc::RequestView& request, ipc::Responder& responder, ipc::ReplySink& sink) = 0;

  // Answer a deferred request (once; it is no longer pending afterwards). kDeadlineExceeded: its
  // caller stopped waiting (gRPC); kFailedPrecondition: it was not pending.
  template <class Method, class Build>
  [[nodiscard]] ipc::StatusCode reply(Deferred<Method>& deferred, Build&& build) {
    if (!deferred.pending()) return ipc::StatusCode::kFailedPrecondition;
    const auto bytes = detail::encode<typename Method::Response>(deferred_builder_, build);
    return std::exchange(deferred.sink_, nullptr)->reply(deferred.token_, bytes);
  }
  template <class Method>
  [[nodiscard]] ipc::StatusCode fail(Deferred<Method>& deferred, ipc::StatusCode status) {
    if (!deferred.pending()) return ipc::StatusCode::kFailedPrecondition;
    return std::exchange(deferred.sink_, nullptr)->reply_status(deferred.token_, status);
  }

 protected:
  Dispatcher(std::uint8_t service_id, std::string_view service_name, std::span<const ipc::MethodSpec> methods)
      : service_id_(service_id), service_name_(service_name), methods_(methods) {}

  [[nodiscard]] flatbuffers::FlatBufferBuilder& reply_builder() { return reply_builder_; }

 private:
  std::uint8_t service_id_;
  std::string_view service_name_;
  std::span<const ipc::MethodSpec> methods_;
  flatbuffers::FlatBufferBuilder reply_builder_{1024};     // replies made inside a handler
  flatbuffers::FlatBufferBuilder deferred_builder_{1024};  // deferred replies, which may be made inside one
};

// Which member of the service's handler interface serves Method; specialised in handlers.hpp.
template <class Method>
struct HandlerOf;

template <class Service, class Handler>
class ServiceDispatcher final : public Dispatcher {
 public:
  explicit ServiceDispatcher(Handler& handler)
      : Dispatcher(Service::kServiceId, Service::kName, method_specs<Service>()), handler_(&handler) {}

  void dispatch(const ipc::RequestView& request, ipc::Responder& responder, ipc::ReplySink& sink) override {
    if (!dispatch_to(request, responder, sink, static_cast<typename Service::Methods*>(nullptr))) {
      (void)responder.fail(ipc::StatusCode::kUnimplemented);
    }
  }

 private:
  template <class... Methods>
  bool dispatch_to(const ipc::RequestView& request, ipc::Responder& responder, ipc::ReplySink& sink,
                   std::tuple<Methods...>* /*unused*/) {
    return ((request.method_id == Methods::kId && (run<Methods>(request, responder, sink), true)) || ...);
  }

  template <class Method>
  void run(const ipc::RequestView& request, ipc::Responder& responder, ipc::ReplySink& sink) {
    ResponseWriter<Method> writer(request, responder, sink, reply_builder());
    const auto& message = *flatbuffers::GetRoot<typename Method::Request>(request.payload.data());
    (handler_->*HandlerOf<Method>::kMember)(message, writer);
  }

  Handler* handler_;
};

}  // namespace pipescale::services
