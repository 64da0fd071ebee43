#include "services/grpc/grpc_server.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "ipc/common/clock.hpp"
#include "services/grpc/grpc_channel.hpp"
#include "services/grpc/grpc_deadline.hpp"
#include "services/grpc/grpc_services.hpp"
#include "services/grpc/grpc_status.hpp"

namespace pipescale::services {

namespace {

std::uint64_t make_ticket(std::uint32_t index, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32U) | index;
}
std::uint32_t ticket_index(std::uint64_t ticket) { return static_cast<std::uint32_t>(ticket & 0xFFFF'FFFFU); }
std::uint32_t ticket_generation(std::uint64_t ticket) { return static_cast<std::uint32_t>(ticket >> 32U); }

grpc::Status to_grpc_status(ipc::StatusCode status) {
  if (status == ipc::StatusCode::kOk) return grpc::Status::OK;
  return {to_grpc(status), std::string(ipc::to_string(status))};
}

}  // namespace

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
  {
    const std::lock_guard lock(mutex_);
    shutting_down_ = true;  // waiting gRPC threads return UNAVAILABLE; new calls are refused
  }
  for (std::uint32_t index = 0; index < options_.max_calls; ++index) calls_[index].answered.notify_all();
  if (server_ != nullptr) {
    // Returns once every handler thread is out: after this, nothing touches the slots.
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
  std::unique_ptr<grpc::Service> generated = make_generated_service(service.service_id(), *this);
  if (generated == nullptr) return Error{"gRPC server: no generated gRPC service for " + name};
  services_.push_back(&service);
  generated_.push_back(std::move(generated));
  return Ok{};
}

Result<std::string> GrpcServerAdapter::start(const std::string& address) {
  if (server_ != nullptr) return Error{"gRPC server at '" + address + "': already started"};
  if (services_.empty()) return Error{"gRPC server at '" + address + "': no service to serve"};
  if (auto checked = check_grpc_address(address); !checked) return checked.error();
  grpc::ServerBuilder builder;
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, options_.completion_queues);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, options_.min_pollers);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, options_.max_pollers);
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);  // per-call bookkeeping nobody reads
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  for (const auto& generated : generated_) builder.RegisterService(generated.get());
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

// gRPC's thread: hand the call over, then wait for its answer.
grpc::Status GrpcServerAdapter::handle_bytes(const ipc::MethodSpec& method, grpc::ServerContext& context,
                                             std::span<const std::byte> request, grpc::Slice& response) {
  std::uint32_t index = 0;
  {
    const std::lock_guard lock(mutex_);
    if (shutting_down_) return {grpc::StatusCode::UNAVAILABLE, "the server is shutting down"};
    if (free_.empty()) return {grpc::StatusCode::RESOURCE_EXHAUSTED, "too many calls waiting for the server"};
    index = free_.back();
    free_.pop_back();
    calls_[index].stage = Stage::kFilling;  // this thread's alone until queued
  }
  Call& call = calls_[index];
  call.request = call.storage.copy(request);  // an aligned copy: gRPC's slice may start anywhere
  call.method = method.id;
  const std::int64_t now_ns = ipc::monotonic_ns();
  call.deadline_ns = from_grpc_deadline(context.raw_deadline(), now_ns);
  grpc::Status refused = grpc::Status::OK;
  if (method.request_verifier != nullptr && !method.request_verifier(call.request)) {
    refused = {grpc::StatusCode::INVALID_ARGUMENT, "the request failed verification"};
  } else if (call.deadline_ns != 0 && call.deadline_ns <= now_ns) {
    refused = {grpc::StatusCode::DEADLINE_EXCEEDED, "the request expired before it was handled"};
  }
  std::uint64_t ticket = 0;
  {
    const std::lock_guard lock(mutex_);
    if (!refused.ok()) {
      release_locked(index);
      return refused;
    }
    call.stage = Stage::kQueued;
    ticket = make_ticket(index, call.generation);
  }
  incoming_.enqueue(ticket);  // publishes the slot's request to the agent's dequeue
  if (doorbell_ != nullptr) ipc::Doorbell(doorbell_).notify();
  return wait_for_answer(index, context, response);
}

grpc::Status GrpcServerAdapter::wait_for_answer(std::uint32_t index, grpc::ServerContext& context,
                                                grpc::Slice& response) {
  Call& call = calls_[index];
  const std::int64_t deadline_ns = call.deadline_ns;
  std::unique_lock lock(mutex_);
  for (;;) {
    grpc::Status outcome = grpc::Status::OK;
    bool done = true;
    const std::int64_t now_ns = ipc::monotonic_ns();
    if (call.stage == Stage::kAnswered) {
      outcome = to_grpc_status(call.status);
      response = std::move(call.response);
    } else if (shutting_down_) {
      outcome = {grpc::StatusCode::UNAVAILABLE, "the server shut down before answering"};
    } else if (deadline_ns != 0 && now_ns >= deadline_ns) {
      outcome = {grpc::StatusCode::DEADLINE_EXCEEDED, "no answer before the deadline"};
    } else if (context.IsCancelled()) {
      outcome = {grpc::StatusCode::CANCELLED, "the client cancelled"};
    } else {
      done = false;
    }
    if (done) {
      call.waiter_gone = true;
      if (!call.in_handler) release_locked(index);  // else the agent releases it after the handler
      return outcome;
    }
    std::int64_t wait_ns = options_.cancel_check_ns;
    if (deadline_ns != 0) wait_ns = std::min(wait_ns, deadline_ns - now_ns);
    call.answered.wait_for(lock, std::chrono::nanoseconds(wait_ns));
  }
}

void GrpcServerAdapter::release_locked(std::uint32_t index) {
  Call& call = calls_[index];
  call.stage = Stage::kFree;
  call.generation = call.generation + 1 != 0 ? call.generation + 1 : 1;  // late answers no longer match
  call.waiter_gone = false;
  call.in_handler = false;
  call.status = ipc::StatusCode::kOk;
  call.response = grpc::Slice();
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
    (void)answer(token, ipc::StatusCode::kInternal, grpc::Slice());
  }
  const std::lock_guard lock(mutex_);
  call.in_handler = false;
  if (call.waiter_gone) {
    release_locked(index);
  } else if (call.stage == Stage::kRunning) {
    call.stage = Stage::kDeferred;
  }
}

ipc::StatusCode GrpcServerAdapter::answer(const ipc::ReplyToken& token, ipc::StatusCode status, grpc::Slice response) {
  const std::uint32_t index = ticket_index(token.correlation_id);
  if (index >= options_.max_calls) return ipc::StatusCode::kFailedPrecondition;
  Call& call = calls_[index];
  {
    const std::lock_guard lock(mutex_);
    if (call.generation != ticket_generation(token.correlation_id) || call.waiter_gone ||
        (call.stage != Stage::kRunning && call.stage != Stage::kDeferred)) {
      return ipc::StatusCode::kDeadlineExceeded;  // its caller stopped waiting
    }
    call.status = status;
    call.response = std::move(response);
    call.stage = Stage::kAnswered;
  }
  call.answered.notify_one();
  return ipc::StatusCode::kOk;
}

ipc::StatusCode GrpcServerAdapter::reply(const ipc::ReplyToken& token, std::span<const std::byte> message) {
  if (claim_.active) return ipc::StatusCode::kFailedPrecondition;  // finish the reply under construction first
  return answer(token, ipc::StatusCode::kOk, grpc::Slice(message.data(), message.size()));
}

ipc::StatusCode GrpcServerAdapter::reply_status(const ipc::ReplyToken& token, ipc::StatusCode status) {
  if (claim_.active) return ipc::StatusCode::kFailedPrecondition;
  return answer(token, status, grpc::Slice());
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
    (void)answer(claim_.token, ipc::StatusCode::kInternal, grpc::Slice());
    return ipc::StatusCode::kInvalidArgument;  // more than was claimed: a handler's bug
  }
  return answer(claim_.token, ipc::StatusCode::kOk, grpc::Slice(reply_scratch_.data(), bytes));
}

void GrpcServerAdapter::abort_reply() { claim_.active = false; }

}  // namespace pipescale::services
