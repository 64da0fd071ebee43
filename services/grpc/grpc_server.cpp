#include "services/grpc/grpc_server.hpp"

#include <algorithm>
#include <chrono>
#include <grpcpp/generic/async_generic_service.h>
#include <utility>

#include "ipc/common/clock.hpp"
#include "services/grpc/grpc_channel.hpp"
#include "services/grpc/grpc_deadline.hpp"
#include "services/grpc/grpc_status.hpp"
#include "services/method_specs.hpp"

namespace pipescale::services {

namespace {

std::uint64_t make_ticket(std::uint32_t index, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32U) | index;
}
std::uint32_t ticket_index(std::uint64_t ticket) { return static_cast<std::uint32_t>(ticket & 0xFFFF'FFFFU); }
std::uint32_t ticket_generation(std::uint64_t ticket) { return static_cast<std::uint32_t>(ticket >> 32U); }
constexpr std::uint32_t kNoSlot = 0xFFFF'FFFFU;

grpc::Status to_grpc_status(ipc::StatusCode status) {
  if (status == ipc::StatusCode::kOk) return grpc::Status::OK;
  return {to_grpc(status), std::string(ipc::to_string(status))};
}

}  // namespace

// One call, as gRPC's generic callback API sees it: a stream of one request and one response.
// gRPC deletes nothing: OnDone, the last reaction, returns the slot and deletes the reactor.
class GrpcServerAdapter::Reactor final : public grpc::ServerGenericBidiReactor {
 public:
  Reactor(GrpcServerAdapter& adapter, grpc::GenericCallbackServerContext& context)
      : adapter_(&adapter), context_(&context) {
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override { adapter_->arrived(*this, ok); }
  void OnCancel() override { adapter_->cancelled(*this); }
  void OnDone() override {
    adapter_->done(*this);
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor protocol
  }
  // Ends the call; called once (the adapter's mutex decides by whom), and nothing of the reactor
  // is touched after it: OnDone may run at once on another thread.
  void finish(const grpc::Status& status, std::span<const std::byte> body) {
    if (!status.ok()) {
      Finish(status);
      return;
    }
    grpc::Slice slice(body.data(), body.size());
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), status);
  }

  grpc::GenericCallbackServerContext& context() { return *context_; }
  grpc::ByteBuffer& request() { return request_; }
  std::uint32_t slot = kNoSlot;  // set under the adapter's mutex

 private:
  GrpcServerAdapter* adapter_;
  grpc::GenericCallbackServerContext* context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

class GrpcServerAdapter::GenericService final : public grpc::CallbackGenericService {
 public:
  explicit GenericService(GrpcServerAdapter& adapter) : adapter_(&adapter) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    return new Reactor(*adapter_, *context);  // NOLINT(cppcoreguidelines-owning-memory): deleted in OnDone
  }

 private:
  GrpcServerAdapter* adapter_;
};

GrpcServerAdapter::GrpcServerAdapter(const GrpcServerOptions& options, ipc::DoorbellLayout* doorbell)
    : options_(options),
      doorbell_(doorbell),
      calls_(std::make_unique<Call[]>(options.max_calls)),
      incoming_(options.max_calls),
      batch_(std::max<std::uint32_t>(options.poll_batch, 1)) {
  free_.reserve(options.max_calls);
  for (std::uint32_t index = options.max_calls; index-- > 0;) free_.push_back(index);
}

GrpcServerAdapter::~GrpcServerAdapter() {
  std::vector<Reactor*> open;
  {
    const std::lock_guard lock(mutex_);
    shutting_down_ = true;  // new calls are refused
    for (std::uint32_t index = 0; index < options_.max_calls; ++index) {
      Call& call = calls_[index];
      if (call.reactor == nullptr || call.stage == Stage::kFinished) continue;
      call.stage = Stage::kFinished;
      open.push_back(call.reactor);
    }
  }
  for (Reactor* reactor : open) reactor->finish({grpc::StatusCode::UNAVAILABLE, "the server shut down"}, {});
  if (server_ != nullptr) {
    // Returns once every call is done: after this, nothing touches the slots.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::nanoseconds(options_.shutdown_grace_ns));
  }
  server_.reset();
}

Status GrpcServerAdapter::add_service(Dispatcher& service) {
  const std::string name(service.service_name());
  if (server_ != nullptr) return Error{"gRPC server: add " + name + " before start()"};
  if (find_service(static_cast<ipc::MethodId>(service.service_id() << 8U)) != nullptr) {
    return Error{"gRPC server: " + name + " is served twice"};
  }
  std::size_t added = 0;
  for (const ipc::MethodSpec& spec : all_method_specs()) {
    if ((spec.id >> 8U) != service.service_id()) continue;
    methods_.push_back(&spec);
    ++added;
  }
  if (added == 0) return Error{"gRPC server: no gRPC method for " + name};
  services_.push_back(&service);
  return Ok{};
}

Result<std::string> GrpcServerAdapter::start(const std::string& address) {
  if (server_ != nullptr) return Error{"gRPC server at '" + address + "': already started"};
  if (services_.empty()) return Error{"gRPC server at '" + address + "': no service to serve"};
  if (auto checked = check_grpc_address(address); !checked) return checked.error();
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);  // per-call bookkeeping nobody reads
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  generic_ = std::make_unique<GenericService>(*this);
  builder.RegisterCallbackGenericService(generic_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    server_.reset();
    return Error{"gRPC server: cannot listen on '" + address + "' (in use, or no such directory or interface?)"};
  }
  if (!address.starts_with("unix:") && address.ends_with(":0")) {
    return address.substr(0, address.size() - 1) + std::to_string(port);
  }
  return address;
}

Dispatcher* GrpcServerAdapter::find_service(ipc::MethodId method) const {
  const auto service_id = static_cast<std::uint8_t>(method >> 8U);
  const auto at = std::find_if(services_.begin(), services_.end(),
                               [service_id](const Dispatcher* service) { return service->service_id() == service_id; });
  return at != services_.end() ? *at : nullptr;
}

const ipc::MethodSpec* GrpcServerAdapter::find_method(const std::string& path) const {
  const auto at = std::find_if(methods_.begin(), methods_.end(),
                               [&path](const ipc::MethodSpec* spec) { return path == spec->name; });
  return at != methods_.end() ? *at : nullptr;
}

// gRPC's thread: the request has been read (or the stream ended first).
void GrpcServerAdapter::arrived(Reactor& reactor, bool read_ok) {
  grpc::Status refused = grpc::Status::OK;
  const ipc::MethodSpec* method = find_method(reactor.context().method());
  grpc::Slice whole;
  if (!read_ok) {
    refused = {grpc::StatusCode::CANCELLED, "the call ended before its request arrived"};
  } else if (method == nullptr) {
    refused = {grpc::StatusCode::UNIMPLEMENTED, "no such method here: " + reactor.context().method()};
  } else if (!reactor.request().DumpToSingleSlice(&whole).ok()) {
    refused = {grpc::StatusCode::INVALID_ARGUMENT, "the request could not be read"};
  } else {
    refused = hand_over(reactor, *method, std::span(reinterpret_cast<const std::byte*>(whole.begin()), whole.size()));
  }
  if (!refused.ok()) reactor.finish(refused, {});
}

// Copies, verifies and queues the request for the agent; a refusal is the caller's to finish.
grpc::Status GrpcServerAdapter::hand_over(Reactor& reactor, const ipc::MethodSpec& method,
                                          std::span<const std::byte> request) {
  std::uint32_t index = 0;
  {
    const std::lock_guard lock(mutex_);
    if (shutting_down_) return {grpc::StatusCode::UNAVAILABLE, "the server is shutting down"};
    if (free_.empty()) return {grpc::StatusCode::RESOURCE_EXHAUSTED, "too many calls waiting for the server"};
    index = free_.back();
    free_.pop_back();
    calls_[index].reactor = &reactor;  // stage kFree: nobody else touches it until queued
    reactor.slot = index;
  }
  Call& call = calls_[index];
  call.request = call.storage.copy(request);  // an aligned copy: gRPC's slice may start anywhere
  call.method = method.id;
  const std::int64_t now_ns = ipc::monotonic_ns();
  call.deadline_ns = from_grpc_deadline(reactor.context().raw_deadline(), now_ns);
  grpc::Status refused = grpc::Status::OK;
  if (method.request_verifier != nullptr && !method.request_verifier(call.request)) {
    refused = {grpc::StatusCode::INVALID_ARGUMENT, "the request failed verification"};
  } else if (call.deadline_ns != 0 && call.deadline_ns <= now_ns) {
    refused = {grpc::StatusCode::DEADLINE_EXCEEDED, "the request expired before it was handled"};
  }
  std::uint64_t ticket = 0;
  {
    const std::lock_guard lock(mutex_);
    if (!refused.ok() || call.stage == Stage::kFinished) {             // kFinished: cancelled or shut down meanwhile
      if (call.stage == Stage::kFinished) refused = grpc::Status::OK;  // already finished by that
      call.stage = Stage::kFinished;                                   // the slot returns at OnDone
      return refused;
    }
    call.stage = Stage::kQueued;
    ticket = make_ticket(index, call.generation);
  }
  incoming_.enqueue(ticket);  // publishes the slot's request to the agent's dequeue
  if (doorbell_ != nullptr) ipc::Doorbell(doorbell_).notify();
  return grpc::Status::OK;
}

// gRPC's thread: the client cancelled, or the deadline passed. Finishes the call unless the agent
// already has.
void GrpcServerAdapter::cancelled(Reactor& reactor) {
  {
    const std::lock_guard lock(mutex_);
    // Not handed over yet: arrived() runs (its read fails) and finishes it.
    if (reactor.slot == kNoSlot || calls_[reactor.slot].stage == Stage::kFinished) return;
    calls_[reactor.slot].stage = Stage::kFinished;
  }
  reactor.finish({grpc::StatusCode::CANCELLED, "the call was cancelled"}, {});
}

// gRPC's thread, the call's last reaction: its slot returns unless a handler still runs on it.
void GrpcServerAdapter::done(Reactor& reactor) {
  const std::lock_guard lock(mutex_);
  if (reactor.slot == kNoSlot) return;
  Call& call = calls_[reactor.slot];
  call.reactor = nullptr;
  if (!call.in_handler) release_locked(reactor.slot);
}

void GrpcServerAdapter::release_locked(std::uint32_t index) {
  Call& call = calls_[index];
  call.stage = Stage::kFree;
  call.generation = call.generation + 1 != 0 ? call.generation + 1 : 1;  // late answers no longer match
  call.in_handler = false;
  free_.push_back(index);
}

std::size_t GrpcServerAdapter::poll(std::int64_t /*now_ns*/) {
  if (polling_) return 0;  // called from a handler
  polling_ = true;
  const std::size_t count = incoming_.try_dequeue_bulk(batch_.begin(), batch_.size());
  for (std::size_t i = 0; i < count; ++i) run(batch_[i]);
  polling_ = false;
  return count;
}

void GrpcServerAdapter::run(std::uint64_t ticket) {
  const std::uint32_t index = ticket_index(ticket);
  Call& call = calls_[index];
  {
    const std::lock_guard lock(mutex_);
    if (call.generation != ticket_generation(ticket) || call.stage != Stage::kQueued) return;  // gave up meanwhile
    call.stage = Stage::kRunning;
    call.in_handler = true;
  }
  const ipc::RequestView request{call.request, call.method, ticket, 0, call.deadline_ns};
  const ipc::ReplyToken token{ticket, 0, 0, call.method};
  ipc::Responder responder(*this, token);
  if (Dispatcher* service = find_service(call.method); service != nullptr) {
    service->dispatch(request, responder, *this);
  } else {
    (void)responder.fail(ipc::StatusCode::kUnimplemented);
  }
  if (!responder.settled()) {  // as on the rings: a handler that neither answers nor defers
    if (responder.building()) abort_reply();
    (void)answer(token, ipc::StatusCode::kInternal, {});
  }
  const std::lock_guard lock(mutex_);
  call.in_handler = false;
  if (call.reactor == nullptr) {
    release_locked(index);  // gRPC was done with it while the handler ran
  } else if (call.stage == Stage::kRunning) {
    call.stage = Stage::kDeferred;
  }
}

ipc::StatusCode GrpcServerAdapter::answer(const ipc::ReplyToken& token, ipc::StatusCode status,
                                          std::span<const std::byte> response) {
  const std::uint32_t index = ticket_index(token.correlation_id);
  if (index >= options_.max_calls) return ipc::StatusCode::kFailedPrecondition;
  Call& call = calls_[index];
  Reactor* reactor = nullptr;
  {
    const std::lock_guard lock(mutex_);
    if (call.generation != ticket_generation(token.correlation_id) || call.reactor == nullptr ||
        (call.stage != Stage::kRunning && call.stage != Stage::kDeferred)) {
      return ipc::StatusCode::kDeadlineExceeded;  // its caller stopped waiting
    }
    call.stage = Stage::kFinished;
    reactor = call.reactor;  // alive: only this Finish lets gRPC reach OnDone
  }
  reactor->finish(to_grpc_status(status), response);
  return ipc::StatusCode::kOk;
}

ipc::StatusCode GrpcServerAdapter::reply(const ipc::ReplyToken& token, std::span<const std::byte> message) {
  if (claim_.active) return ipc::StatusCode::kFailedPrecondition;  // finish the reply under construction first
  return answer(token, ipc::StatusCode::kOk, message);
}

ipc::StatusCode GrpcServerAdapter::reply_status(const ipc::ReplyToken& token, ipc::StatusCode status) {
  if (claim_.active) return ipc::StatusCode::kFailedPrecondition;
  return answer(token, status, {});
}

ipc::StatusCode GrpcServerAdapter::begin_reply(const ipc::ReplyToken& token, std::uint32_t max_bytes,
                                               std::span<std::byte>& buffer) {
  if (claim_.active) return ipc::StatusCode::kFailedPrecondition;
  if (reply_scratch_.size() < max_bytes) reply_scratch_.resize(max_bytes);
  buffer = std::span<std::byte>(reply_scratch_.data(), max_bytes);
  claim_ = ReplyClaim{true, token, max_bytes};
  return ipc::StatusCode::kOk;
}

ipc::StatusCode GrpcServerAdapter::commit_reply(std::uint32_t bytes) {
  if (!claim_.active) return ipc::StatusCode::kFailedPrecondition;
  claim_.active = false;
  if (bytes > claim_.max_bytes) {
    (void)answer(claim_.token, ipc::StatusCode::kInternal, {});
    return ipc::StatusCode::kInvalidArgument;  // more than was claimed: a handler's bug
  }
  return answer(claim_.token, ipc::StatusCode::kOk, std::span<const std::byte>(reply_scratch_.data(), bytes));
}

void GrpcServerAdapter::abort_reply() { claim_.active = false; }

}  // namespace pipescale::services
