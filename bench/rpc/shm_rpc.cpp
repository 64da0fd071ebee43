#include "bench/rpc/shm_rpc.hpp"

#include <new>
#include <utility>

#include "bench/ipc/payload.hpp"
#include "bench/rpc/rpc_messages.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/ring/ring_layout.hpp"
#include "schemas/verify.hpp"

namespace pipescale::bench {
namespace {

constexpr const char* kConnection = "frontend";
constexpr const char* kServerProcess = "server";
constexpr const char* kClientProcess = "harness";
constexpr const char* kControl = "rpcbench.ctl";
// Deadline of every call: generous, so that it only ends a call whose server is stuck.
constexpr std::int64_t kCallTimeoutNs = 5'000'000'000;

constexpr ipc::MethodId kBareMethod = 0x00F1;
constexpr ipc::MethodId kPrefetchMethod = 0x00F2;

bool prefetch_then_verify_request(std::span<const std::byte> payload) {
  // One touch per 64 bytes plus the last byte reaches every line the payload spans.
  for (std::size_t offset = 0; offset < payload.size(); offset += ipc::kCacheLineBytes) {
    __builtin_prefetch(payload.data() + offset);
  }
  if (!payload.empty()) __builtin_prefetch(payload.data() + payload.size() - 1);
  return ps::verify_message<ps::Request>(payload);
}

ipc::MethodSpec method_spec(RingMethod method) {
  switch (method) {
    case RingMethod::kStandard: break;
    case RingMethod::kBare: return {kBareMethod, "/bench/Bare", nullptr, nullptr};
    case RingMethod::kPrefetch:
      return {kPrefetchMethod, "/bench/Prefetch", &prefetch_then_verify_request, &ps::verify_message<ps::Response>};
  }
  return {SendRequest::kId, SendRequest::kGrpcPath, &ps::verify_message<ps::Request>,
          &ps::verify_message<ps::Response>};
}

constexpr RingMethod kRingMethods[] = {RingMethod::kStandard, RingMethod::kBare, RingMethod::kPrefetch};

std::vector<std::byte> copy_of(const flatbuffers::FlatBufferBuilder& builder) {
  const std::span<const std::byte> bytes = finished_bytes(builder);
  return {bytes.begin(), bytes.end()};
}

}  // namespace

void post_command(BenchControl& control, ipc::Doorbell server_bell, const Command& command) {
  // release pairs with the server's acquire loads of the word (follow_commands, ShmRpcServer::serve)
  control.command.value.store(encode(command), std::memory_order_release);
  server_bell.notify();
}

ipc::WaitOptions wait_options(ipc::WaitKind kind) {
  ipc::WaitOptions options;  // the defaults otherwise: 50 us of spinning, parks of at most 100 ms
  options.kind = kind;
  return options;
}

Result<RpcSegment> RpcSegment::create(std::uint64_t ring_capacity_bytes) {
  const std::string run_id = ipc::make_run_id();
  ipc::SegmentOptions options;
  options.name = ipc::segment_name(run_id, "rpcbench");
  options.run_id = run_id;
  // Every region starts on a page: two rings, two doorbells, the connection and bench controls.
  const auto page_rounded = [](std::uint64_t bytes) { return ipc::align_up(bytes, ipc::kPageBytes); };
  options.arena_bytes =
      2 * page_rounded(ipc::ring_bytes(ring_capacity_bytes)) + 4 * ipc::kPageBytes + page_rounded(sizeof(BenchControl));
  auto segment = ipc::Segment::create(options);
  if (!segment) return segment.error();
  remove_segment_on_signal(options.name.c_str());
  RpcSegment owned(std::move(segment.value()), options.name);
  ipc::ConnectionSpec spec;
  spec.name = kConnection;
  spec.server_process = kServerProcess;
  spec.client_process = kClientProcess;
  spec.request_ring_bytes = ring_capacity_bytes;
  spec.response_ring_bytes = ring_capacity_bytes;
  if (auto made = ipc::create_connection(owned.segment_, spec); !made) return made.error();
  auto control = owned.segment_.allocate(kControl, sizeof(BenchControl), ipc::RegionKind::kBytes);
  if (!control) return control.error();
  new (control->address) BenchControl{};
  owned.segment_.publish();
  return owned;
}

RpcSegment::RpcSegment(RpcSegment&& other) noexcept
    : segment_(std::move(other.segment_)), name_(std::exchange(other.name_, std::string())) {}

RpcSegment::~RpcSegment() {
  if (!name_.empty()) forget_segment_on_signal(name_.c_str());
}

Result<RpcEnd> attach_rpc_end(const ipc::Segment& segment, bool server) {
  auto regions = ipc::find_connection(segment, kConnection);
  if (!regions) return regions.error();
  auto control = segment.find(kControl, ipc::RegionKind::kBytes);
  if (!control) return control.error();
  if (control->bytes < sizeof(BenchControl)) return Error{"rpc bench control region is too small"};
  ipc::DoorbellLayout* own_bell = server ? regions->server_bell : regions->client_bell;
  return RpcEnd{*regions, own_bell, static_cast<BenchControl*>(control->address)};
}

ShmRpcServer::ShmRpcServer(ipc::DoorbellLayout* own_bell)
    : server_(ipc::ServerOptions{}, own_bell), bell_(own_bell), builder_(256) {}

Status ShmRpcServer::bind(const ipc::ConnectionRegions& regions) {
  for (const RingMethod method : kRingMethods) {
    auto added = server_.add_method(method_spec(method),
                                    [this, method](const ipc::RequestView& request, ipc::Responder& responder) {
                                      if (method == RingMethod::kBare) {
                                        handle_bare(request, responder);
                                      } else {
                                        handle(request, responder);
                                      }
                                    });
    if (!added) return added.error();
  }
  builder_.Clear();
  build_response(builder_, {1, true, ps::DropReason::None});
  bare_response_ = copy_of(builder_);
  auto bound = server_.add_connection(regions);
  if (!bound) return bound.error();
  return Ok{};
}

void ShmRpcServer::handle(const ipc::RequestView& request, ipc::Responder& responder) {
  // The RpcServer ran the method's request verifier (verify_message<Request>) before this.
  const ps::Request& message = *flatbuffers::GetRoot<ps::Request>(request.payload.data());
  builder_.Clear();
  build_response(builder_, answer(message));
  ++handled_;
  if (responder.reply(finished_bytes(builder_)) != ipc::StatusCode::kOk) ++failed_replies_;
}

void ShmRpcServer::handle_bare(const ipc::RequestView& request, ipc::Responder& responder) {
  do_not_optimize(read_payload(request.payload).checksum);
  ++handled_;
  if (responder.reply(bare_response_) != ipc::StatusCode::kOk) ++failed_replies_;
}

std::uint64_t ShmRpcServer::serve(const SharedWord& command, std::uint64_t current, ipc::WaitKind kind) {
  // acquire pairs with post_command's release: the next command's parameters are visible.
  const auto moved_on = [&command, current] { return command.value.load(std::memory_order_acquire) != current; };
  ipc::IdleStrategy idle(wait_options(kind), bell_);
  const std::uint64_t handled_before = handled_;
  for (;;) {
    if (server_.poll(ipc::monotonic_ns()) != 0) {
      idle.reset();
      continue;
    }
    if (moved_on()) break;  // only once a poll found nothing: no request is left behind
    idle.idle([&] { return server_.has_work() || moved_on(); }, server_.next_timer_ns());
  }
  return handled_ - handled_before;
}

ShmRpcClient::ShmRpcClient(ipc::DoorbellLayout* own_bell, std::uint32_t window, std::size_t stage_visits)
    : client_(
          [window] {
            ipc::ClientOptions options;
            options.window = window;
            options.wait = wait_options(ipc::WaitKind::kSpin);
            return options;
          }(),
          own_bell),
      own_bell_(own_bell),
      builder_(1024),
      window_(window),
      stage_visits_(stage_visits) {}

Status ShmRpcClient::connect(const ipc::ConnectionRegions& regions) {
  for (const RingMethod method : kRingMethods) {
    if (auto added = client_.add_method(method_spec(method)); !added) return added.error();
  }
  builder_.Clear();
  build_request(builder_, 1, ipc::monotonic_ns(), stage_visits_);
  bare_request_ = copy_of(builder_);
  auto connection = client_.add_connection(regions);
  if (!connection) return connection.error();
  connection_ = *connection;
  return Ok{};
}

void ShmRpcClient::use_wait(ipc::WaitKind kind) {
  client_.idle_strategy() = ipc::IdleStrategy(wait_options(kind), ipc::Doorbell(own_bell_));
}

std::size_t ShmRpcClient::request_bytes() {
  builder_.Clear();
  build_request(builder_, 1, ipc::monotonic_ns(), stage_visits_);
  return builder_.GetSize();
}

bool ShmRpcClient::call_bare(std::int64_t now_ns) {
  const ipc::StatusCode status =
      client_.call(connection_, kBareMethod, bare_request_, now_ns + kCallTimeoutNs,
                   [](const ipc::Reply& reply) { do_not_optimize(read_payload(reply.payload).checksum); });
  return status == ipc::StatusCode::kOk;
}

bool ShmRpcClient::call_once(RingMethod method, std::uint64_t request_id, std::int64_t now_ns) {
  if (method == RingMethod::kBare) return call_bare(now_ns);
  builder_.Clear();
  build_request(builder_, request_id, now_ns, stage_visits_);
  bool matched = false;
  const ipc::MethodId id = method == RingMethod::kPrefetch ? kPrefetchMethod : SendRequest::kId;
  const ipc::StatusCode status = client_.call(connection_, id, finished_bytes(builder_), now_ns + kCallTimeoutNs,
                                              [&matched, request_id](const ipc::Reply& reply) {
                                                // The RpcClient ran verify_message<Response> first.
                                                const auto* response =
                                                    flatbuffers::GetRoot<ps::Response>(reply.payload.data());
                                                matched = response_matches(*response, request_id);
                                              });
  return status == ipc::StatusCode::kOk && matched;
}

void ShmRpcClient::on_pipelined(const ipc::Reply& reply, std::uint64_t request_id) {
  const bool matched = reply.status == ipc::StatusCode::kOk &&
                       response_matches(*flatbuffers::GetRoot<ps::Response>(reply.payload.data()), request_id);
  ++(matched ? pipelined_ok_ : pipelined_failed_);
}

bool ShmRpcClient::start(RingMethod method, std::uint64_t request_id, std::int64_t now_ns) {
  ipc::StatusCode started = ipc::StatusCode::kOk;
  if (method == RingMethod::kBare) {
    started = client_.call_async(connection_, kBareMethod, bare_request_, now_ns + kCallTimeoutNs,
                                 [this](const ipc::Reply& reply) {
                                   do_not_optimize(read_payload(reply.payload).checksum);
                                   ++(reply.status == ipc::StatusCode::kOk ? pipelined_ok_ : pipelined_failed_);
                                 });
  } else {
    builder_.Clear();
    build_request(builder_, request_id, now_ns, stage_visits_);
    const ipc::MethodId id = method == RingMethod::kPrefetch ? kPrefetchMethod : SendRequest::kId;
    started = client_.call_async(connection_, id, finished_bytes(builder_), now_ns + kCallTimeoutNs,
                                 [this, request_id](const ipc::Reply& reply) { on_pipelined(reply, request_id); });
  }
  if (started == ipc::StatusCode::kOk) return true;
  if (started != ipc::StatusCode::kResourceExhausted) {  // anything but a full ring or window is an error
    failed_start_ = true;
    refusal_ = started;
  }
  return false;
}

Result<PipelineResult> ShmRpcClient::pipeline(std::int64_t duration_ns, std::uint64_t& next_request_id) {
  pipelined_ok_ = 0;
  pipelined_failed_ = 0;
  failed_start_ = false;
  ipc::IdleStrategy& idle = client_.idle_strategy();
  const std::int64_t start_ns = ipc::monotonic_ns();
  const std::int64_t stop_ns = start_ns + duration_ns;
  for (;;) {
    const std::int64_t now = ipc::monotonic_ns();
    const bool issuing = now < stop_ns;
    while (issuing && client_.in_flight(connection_) < window_) {
      if (!start(RingMethod::kStandard, next_request_id++, now)) break;  // the ring is full: read responses first
    }
    if (failed_start_) return Error{std::string("pipelined call refused: ") + std::string(ipc::to_string(refusal_))};
    if (!issuing && client_.in_flight(connection_) == 0) break;
    if (client_.poll(now) != 0) {
      idle.reset();
      continue;
    }
    idle.idle([this] { return client_.has_work(); }, client_.next_timer_ns());
  }
  const std::int64_t elapsed_ns = ipc::monotonic_ns() - start_ns;
  if (pipelined_failed_ != 0) {
    return Error{std::to_string(pipelined_failed_) + " pipelined calls failed or got a wrong response"};
  }
  return PipelineResult{pipelined_ok_, elapsed_ns};
}

}  // namespace pipescale::bench
