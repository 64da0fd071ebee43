#include "services/grpc/grpc_channel.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>
#include <utility>

#include "ipc/common/clock.hpp"
#include "services/grpc/grpc_deadline.hpp"
#include "services/grpc/grpc_status.hpp"

namespace pipescale::services {

namespace {

// A sleeping synchronous caller re-checks at least this often, even if no call ends.
constexpr std::int64_t kParkNs = 100'000'000;

std::uint64_t correlation_id(std::uint32_t index, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32U) | index;
}

// What a channel to a peer on this host does not need: retries (a filter on every call, and a
// copy of each message kept for replay), proxies and channelz's per-call bookkeeping.
std::shared_ptr<grpc::Channel> make_channel(const std::string& address) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  arguments.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  arguments.SetInt(GRPC_ARG_ENABLE_CHANNELZ, 0);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

}  // namespace

Status check_grpc_address(const std::string& address) {
  static constexpr std::string_view kUnix = "unix:";
  if (address.starts_with(kUnix)) {
    if (address.size() > kUnix.size()) return Ok{};
    return Error{"gRPC address '" + address + "': the socket path after 'unix:' is empty"};
  }
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error{"gRPC address '" + address + "': expected unix:PATH or HOST:PORT"};
  }
  const std::string port = address.substr(colon + 1);
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return Error{"gRPC address '" + address + "': the port '" + port + "' is not a number from 0 to 65535"};
  }
  return Ok{};
}

Result<std::unique_ptr<GrpcChannel>> GrpcChannel::create(const std::string& address,
                                                         std::span<const ipc::MethodSpec> methods,
                                                         const GrpcChannelOptions& options,
                                                         ipc::DoorbellLayout* doorbell) {
  if (auto checked = check_grpc_address(address); !checked) return checked.error();
  if (options.window == 0 || options.poll_batch == 0) return Error{"gRPC channel: window and poll_batch must be >= 1"};
  std::unique_ptr<GrpcChannel> channel(new GrpcChannel(address, options, doorbell));
  for (const ipc::MethodSpec& spec : methods) {
    if (channel->find(spec.id) != nullptr) {
      return Error{"gRPC channel: method id " + std::to_string(spec.id) + " is registered twice"};
    }
    channel->routes_.push_back({spec.id, Route{spec.name, spec.response_verifier}});
  }
  std::sort(channel->routes_.begin(), channel->routes_.end(),
            [](const auto& left, const auto& right) { return left.first < right.first; });
  return channel;
}

GrpcChannel::GrpcChannel(const std::string& address, const GrpcChannelOptions& options, ipc::DoorbellLayout* doorbell)
    : address_(address),
      options_(options),
      doorbell_(doorbell),
      channel_(make_channel(address)),
      stub_(std::make_unique<grpc::GenericStub>(channel_)),
      slots_(std::make_unique<Slot[]>(options.window)),
      ended_(options.window),
      batch_(options.poll_batch) {
  free_.reserve(options.window);
  for (std::uint32_t index = options.window; index-- > 0;) free_.push_back(index);
}

GrpcChannel::~GrpcChannel() {
  closing_ = true;  // completions below fire with kCancelled and cannot start calls
  for (std::uint32_t index = 0; index < options_.window; ++index) {
    if (slots_[index].context.has_value()) slots_[index].context->TryCancel();
  }
  wait_until([this] { return in_flight_ == 0; }, 0);
  // acquire pairs with the release increment that is each callback's last touch of this object.
  while (callbacks_returned_.load(std::memory_order_acquire) != calls_started_) std::this_thread::yield();
}

const GrpcChannel::Route* GrpcChannel::find(ipc::MethodId method) const {
  const auto at = std::lower_bound(routes_.begin(), routes_.end(), method,
                                   [](const auto& item, ipc::MethodId key) { return item.first < key; });
  return at != routes_.end() && at->first == method ? &at->second : nullptr;
}

ipc::StatusCode GrpcChannel::call_async(ipc::MethodId method, std::span<const std::byte> request,
                                        std::int64_t deadline_ns, ipc::Completion&& done) {
  if (closing_) return ipc::StatusCode::kCancelled;
  if (claimed_) return ipc::StatusCode::kFailedPrecondition;  // one request at a time, as on a ring
  const Route* route = find(method);
  if (route == nullptr) return ipc::StatusCode::kUnimplemented;
  if (free_.empty()) return ipc::StatusCode::kResourceExhausted;
  const std::uint32_t index = free_.back();
  free_.pop_back();
  Slot& slot = slots_[index];
  slot.method = method;
  slot.generation = slot.generation + 1 != 0 ? slot.generation + 1 : 1;
  slot.done = std::move(done);
  ++in_flight_;
  const std::int64_t now_ns = ipc::monotonic_ns();
  if (deadline_ns != 0 && deadline_ns <= now_ns) {
    // gRPC would still send it, with a timeout rounded up, and may deliver its answer: end it here,
    // from the next poll(), as the rings do.
    slot.status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "the deadline passed before the call started");
    ended_.enqueue(index);
    return ipc::StatusCode::kOk;
  }
  slot.context.emplace();
  if (deadline_ns != 0) slot.context->set_deadline(to_grpc_deadline(deadline_ns, now_ns));
  grpc::Slice bytes(request.data(), request.size());  // copies: the caller's buffer is free on return
  slot.request = grpc::ByteBuffer(&bytes, 1);
  ++calls_started_;
  stub_->UnaryCall(&*slot.context, route->path, grpc::StubOptions(), &slot.request, &slot.response,
                   [this, index](grpc::Status status) { on_ended(index, std::move(status)); });
  return ipc::StatusCode::kOk;
}

// On one of gRPC's threads (or inline, for a call that fails at once).
void GrpcChannel::on_ended(std::uint32_t index, grpc::Status status) {
  slots_[index].status = std::move(status);
  ended_.enqueue(index);  // publishes the status and the response to the owner's dequeue
  {
    const std::lock_guard lock(wait_mutex_);
    ++events_;
  }
  wait_cv_.notify_all();
  if (doorbell_ != nullptr) ipc::Doorbell(doorbell_).notify();
  // release pairs with the destructor's acquire load: nothing of this object is touched after it.
  callbacks_returned_.fetch_add(1, std::memory_order_release);
}

std::size_t GrpcChannel::poll(std::int64_t /*now_ns*/) {
  if (polling_) return 0;  // called from a completion
  polling_ = true;
  const std::size_t count = ended_.try_dequeue_bulk(batch_.begin(), batch_.size());
  for (std::size_t i = 0; i < count; ++i) finish(batch_[i]);
  polling_ = false;
  return count;
}

void GrpcChannel::finish(std::uint32_t index) {
  Slot& slot = slots_[index];
  ipc::StatusCode status = closing_ ? ipc::StatusCode::kCancelled : from_grpc(slot.status.error_code());
  grpc::Slice holder;  // keeps the response's bytes alive while the completion reads them
  std::span<const std::byte> payload;
  if (status == ipc::StatusCode::kOk) {
    payload = read_response(slot, holder);
    const Route* route = find(slot.method);
    if (route->verifier != nullptr && !route->verifier(payload)) {
      status = ipc::StatusCode::kInvalidArgument;
      payload = {};
    }
  }
  ipc::Completion done = std::move(slot.done);
  const ipc::Reply reply{status, slot.method, correlation_id(index, slot.generation), payload};
  // Free the slot before the completion runs: the completion may start the next call.
  slot.context.reset();
  slot.request.Clear();
  slot.response.Clear();
  slot.status = grpc::Status();
  free_.push_back(index);
  --in_flight_;
  if (done) done(reply);
}

std::span<const std::byte> GrpcChannel::read_response(Slot& slot, grpc::Slice& holder) {
  if (!slot.response.TrySingleSlice(&holder).ok() && !slot.response.DumpToSingleSlice(&holder).ok()) return {};
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(holder.begin()), holder.size());
  return schema::realigned(bytes, scratch_);
}

// Polls until done() or, when until_ns is not 0, until then (false). Sleeps between ended calls.
template <class Done>
bool GrpcChannel::wait_until(Done&& done, std::int64_t until_ns) {
  for (;;) {
    std::uint64_t seen = 0;
    {
      const std::lock_guard lock(wait_mutex_);
      seen = events_;
    }
    poll(ipc::monotonic_ns());
    if (done()) return true;
    const std::int64_t now = ipc::monotonic_ns();
    if (until_ns != 0 && now >= until_ns) return false;
    const auto timeout = until_ns != 0 ? std::chrono::nanoseconds(until_ns - now) : std::chrono::nanoseconds(kParkNs);
    std::unique_lock lock(wait_mutex_);
    wait_cv_.wait_for(lock, timeout, [this, seen] { return events_ != seen; });
  }
}

ipc::StatusCode GrpcChannel::call(ipc::MethodId method, std::span<const std::byte> request, std::int64_t deadline_ns,
                                  ipc::Completion&& on_reply) {
  if (polling_) return ipc::StatusCode::kFailedPrecondition;
  struct Outcome {
    bool done = false;
    ipc::StatusCode status = ipc::StatusCode::kUnknown;
  } outcome;
  // Waits for room in the window until the deadline, as a ring's synchronous call does.
  if (!wait_until([this] { return !free_.empty(); }, deadline_ns)) return ipc::StatusCode::kResourceExhausted;
  const ipc::StatusCode started =
      call_async(method, request, deadline_ns, [&outcome, &on_reply](const ipc::Reply& reply) {
        outcome.done = true;
        outcome.status = reply.status;
        if (reply.status == ipc::StatusCode::kOk && on_reply) on_reply(reply);
      });
  if (started != ipc::StatusCode::kOk) return started;
  wait_until([&outcome] { return outcome.done; }, 0);  // gRPC ends the call by its deadline
  return outcome.status;
}

ipc::StatusCode GrpcChannel::try_begin_request(ipc::MethodId method, std::uint32_t max_bytes,
                                               std::span<std::byte>& buffer) {
  if (claimed_) return ipc::StatusCode::kFailedPrecondition;
  if (find(method) == nullptr) return ipc::StatusCode::kUnimplemented;
  if (free_.empty()) return ipc::StatusCode::kResourceExhausted;
  if (claim_.size() < max_bytes) claim_.resize(max_bytes);
  buffer = std::span<std::byte>(claim_.data(), max_bytes);
  claim_bytes_ = max_bytes;
  claim_method_ = method;
  claimed_ = true;
  return ipc::StatusCode::kOk;
}

ipc::StatusCode GrpcChannel::begin_request(ipc::MethodId method, std::uint32_t max_bytes, std::int64_t deadline_ns,
                                           std::span<std::byte>& buffer) {
  if (polling_) return ipc::StatusCode::kFailedPrecondition;
  if (!wait_until([this] { return !free_.empty(); }, deadline_ns)) return ipc::StatusCode::kResourceExhausted;
  return try_begin_request(method, max_bytes, buffer);
}

ipc::StatusCode GrpcChannel::commit_request_async(std::uint32_t bytes, std::int64_t deadline_ns,
                                                  ipc::Completion&& done) {
  if (!claimed_) return ipc::StatusCode::kFailedPrecondition;
  claimed_ = false;
  if (bytes > claim_bytes_) return ipc::StatusCode::kInvalidArgument;  // more than was claimed: a caller's bug
  return call_async(claim_method_, std::span<const std::byte>(claim_.data(), bytes), deadline_ns, std::move(done));
}

ipc::StatusCode GrpcChannel::commit_request(std::uint32_t bytes, std::int64_t deadline_ns, ipc::Completion&& on_reply) {
  if (!claimed_) return ipc::StatusCode::kFailedPrecondition;
  claimed_ = false;
  if (polling_) return ipc::StatusCode::kFailedPrecondition;
  if (bytes > claim_bytes_) return ipc::StatusCode::kInvalidArgument;
  return call(claim_method_, std::span<const std::byte>(claim_.data(), bytes), deadline_ns, std::move(on_reply));
}

void GrpcChannel::abort_request() { claimed_ = false; }

}  // namespace pipescale::services
