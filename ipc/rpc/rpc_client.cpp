#include "ipc/rpc/rpc_client.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

#include "ipc/common/clock.hpp"

namespace pipescale::ipc {

RpcClient::RpcClient(const ClientOptions& options, DoorbellLayout* own_bell)
    : options_(options), own_bell_(own_bell), idle_(options.wait, Doorbell(own_bell)), verifiers_(options.max_methods) {
  connections_.reserve(options.max_connections);
}

RpcClient::~RpcClient() {
  polling_ = true;  // completions that run below cannot start synchronous calls
  for (Connection& connection : connections_) {
    fail_pending(connection, StatusCode::kCancelled);  // every call still ends exactly once
    unbind_client(*connection.control, connection.epoch);
  }
}

Status RpcClient::add_method(const MethodSpec& spec) {
  auto added = verifiers_.add(spec.id, spec.response_verifier);
  if (!added) return Error{std::string("client method '") + spec.name + "': " + added.error().message};
  return Ok{};
}

Result<ConnectionId> RpcClient::add_connection(const ConnectionRegions& regions) {
  if (regions.client_bell != own_bell_) {
    return Error{"connection '" + regions.name + "' rings a different doorbell than this client parks on"};
  }
  if (connections_.size() == options_.max_connections) {
    return Error{"client has max_connections (" + std::to_string(options_.max_connections) + ") already"};
  }
  if (options_.window == 0) return Error{"client window must be at least 1"};
  auto epoch = bind_client(*regions.control, regions.name);
  if (!epoch) return epoch.error();
  Connection& connection = connections_.emplace_back();
  connection.name = regions.name;
  connection.requests = RingWriter(regions.requests);
  connection.responses = RingReader(regions.responses);
  connection.server_bell = Doorbell(regions.server_bell);
  connection.control = regions.control;
  connection.epoch = *epoch;
  connection.slots.resize(options_.window);
  connection.free_slots.reserve(options_.window);
  for (std::uint32_t slot = options_.window; slot-- > 0;) connection.free_slots.push_back(slot);
  // acquire pairs with the release store in bind_server.
  const std::int32_t server_pid = regions.control->server.pid.load(std::memory_order_acquire);
  if (server_pid != 0 && !connection.server.watch(server_pid)) connection.down = true;
  return static_cast<ConnectionId>(connections_.size() - 1);
}

RpcClient::Connection* RpcClient::find(ConnectionId connection) {
  return connection < connections_.size() ? &connections_[connection] : nullptr;
}

StatusCode RpcClient::begin(Connection& connection, MethodId method, std::uint32_t max_bytes,
                            std::span<std::byte>& buffer, bool& retry) {
  retry = false;
  if (connection.claim_slot != kNoSlot) return StatusCode::kFailedPrecondition;  // one request at a time
  if (connection.lost) {
    bump(counters_.refused_data_loss);
    return StatusCode::kDataLoss;
  }
  if (fenced(connection)) connection.down = true;
  if (connection.down && !revive(connection)) {
    bump(counters_.refused_unavailable);
    return StatusCode::kUnavailable;
  }
  if (connection.control->client.dropped.load(std::memory_order_relaxed) != 0) {  // a drop_link fault
    bump(counters_.refused_unavailable);
    return StatusCode::kUnavailable;
  }
  if (connection.free_slots.empty()) {
    bump(counters_.window_full);
    retry = true;
    return StatusCode::kResourceExhausted;
  }
  std::span<std::byte> raw;
  const RingStatus ring = max_bytes > UINT32_MAX - kRequestPrefixBytes
                              ? RingStatus::kTooLarge
                              : connection.requests.try_claim(max_bytes + kRequestPrefixBytes, raw);
  switch (ring) {
    case RingStatus::kOk: break;
    case RingStatus::kFull:
      bump(counters_.ring_full);
      retry = true;
      return StatusCode::kResourceExhausted;
    case RingStatus::kTooLarge: bump(counters_.too_large); return StatusCode::kResourceExhausted;
    case RingStatus::kBroken:
      // The request ring is corrupt: the next poll closes the connection and fails its calls.
      connection.next_peer_check_ns = 0;
      bump(counters_.refused_data_loss);
      return StatusCode::kDataLoss;
  }
  connection.claim_slot = connection.free_slots.back();
  connection.free_slots.pop_back();
  connection.slots[connection.claim_slot].state = SlotState::kClaimed;
  connection.slots[connection.claim_slot].method = method;
  connection.claim = raw;
  buffer = raw.subspan(kRequestPrefixBytes);
  return StatusCode::kOk;
}

StatusCode RpcClient::try_begin_request(ConnectionId connection, MethodId method, std::uint32_t max_bytes,
                                        std::span<std::byte>& buffer) {
  Connection* target = find(connection);
  if (target == nullptr) return StatusCode::kFailedPrecondition;
  bool retry = false;
  return begin(*target, method, max_bytes, buffer, retry);
}

StatusCode RpcClient::begin_request(ConnectionId connection, MethodId method, std::uint32_t max_bytes,
                                    std::int64_t deadline_ns, std::span<std::byte>& buffer) {
  Connection* target = find(connection);
  if (target == nullptr || polling_) return StatusCode::kFailedPrecondition;
  for (;;) {
    bool retry = false;
    const StatusCode status = begin(*target, method, max_bytes, buffer, retry);
    if (status == StatusCode::kOk || !retry) return status;
    const std::int64_t now = monotonic_ns();
    if (deadline_ns != 0 && now >= deadline_ns) {
      bump(counters_.ring_full_timeouts);
      return StatusCode::kResourceExhausted;
    }
    wait_a_while(now, std::min(deadline_ns != 0 ? deadline_ns : kNoDeadline, now + options_.room_recheck_ns));
  }
}

// One step of a waiting caller: poll; if that found nothing, idle until `until_ns` at the latest.
void RpcClient::wait_a_while(std::int64_t now_ns, std::int64_t until_ns) {
  if (poll(now_ns) != 0) {
    idle_.reset();
    return;
  }
  const std::int64_t timer = next_timer_ns();
  idle_.idle([this] { return has_work(); }, timer != 0 && timer < until_ns ? timer : until_ns);
}

StatusCode RpcClient::commit_request_async(ConnectionId connection, std::uint32_t bytes, std::int64_t deadline_ns,
                                           Completion&& done) {
  Connection* target = find(connection);
  if (target == nullptr || target->claim_slot == kNoSlot) return StatusCode::kFailedPrecondition;
  Connection& c = *target;
  if (bytes > c.claim.size() - kRequestPrefixBytes) {
    abort_request(connection);
    return StatusCode::kInvalidArgument;  // more bytes than were claimed: a bug in the caller
  }
  const std::uint32_t index = std::exchange(c.claim_slot, kNoSlot);
  Slot& slot = c.slots[index];
  slot.generation = slot.generation + 1 != 0 ? slot.generation + 1 : 1;  // 0 never names a call
  slot.state = SlotState::kPending;
  slot.deadline_ns = deadline_ns != 0 ? deadline_ns : kNoDeadline;
  slot.completion = std::move(done);
  std::memcpy(c.claim.data(), &deadline_ns, sizeof deadline_ns);
  const RecordMeta meta{make_correlation_id(index, slot.generation), slot.method, kRequestFlag, 0, c.epoch};
  c.requests.commit(meta, bytes + kRequestPrefixBytes);
  c.server_bell.notify();
  ++c.in_flight;
  c.earliest_deadline_ns = std::min(c.earliest_deadline_ns, slot.deadline_ns);
  bump(counters_.calls_started);
  return StatusCode::kOk;
}

void RpcClient::abort_request(ConnectionId connection) {
  Connection* target = find(connection);
  if (target == nullptr || target->claim_slot == kNoSlot) return;
  target->requests.abort();
  target->slots[target->claim_slot].state = SlotState::kFree;
  target->free_slots.push_back(std::exchange(target->claim_slot, kNoSlot));
}

StatusCode RpcClient::commit_request(ConnectionId connection, std::uint32_t bytes, std::int64_t deadline_ns,
                                     Completion&& on_reply) {
  if (polling_) {
    abort_request(connection);
    return StatusCode::kFailedPrecondition;
  }
  return wait_for_outcome(connection, bytes, deadline_ns, std::move(on_reply));
}

StatusCode RpcClient::wait_for_outcome(ConnectionId connection, std::uint32_t bytes, std::int64_t deadline_ns,
                                       Completion&& on_reply) {
  struct Outcome {
    bool done = false;
    StatusCode status = StatusCode::kUnknown;
    Completion* on_reply = nullptr;
  } outcome;
  outcome.on_reply = &on_reply;
  const StatusCode started = commit_request_async(connection, bytes, deadline_ns, [&outcome](const Reply& reply) {
    outcome.done = true;
    outcome.status = reply.status;
    if (reply.status == StatusCode::kOk && *outcome.on_reply) (*outcome.on_reply)(reply);
  });
  if (started != StatusCode::kOk) return started;
  idle_.reset();
  // poll() expires the deadline. A spinning caller reads the clock only every
  // kSpinTurnsPerClockRead turns: a read costs as much as the rest of a turn, and doubling the
  // turn doubles the time between the response's arrival and its being seen. A stale time only
  // makes deadlines and peer checks fire a few turns late; responses are read on every turn.
  const bool spinning = idle_.options().kind == WaitKind::kSpin;
  std::int64_t now_ns = 0;
  for (std::uint32_t turn = 0; !outcome.done; ++turn) {
    if (!spinning || turn % kSpinTurnsPerClockRead == 0) now_ns = monotonic_ns();
    if (poll(now_ns) != 0) {
      idle_.reset();
      continue;
    }
    idle_.idle([this] { return has_work(); }, next_timer_ns());
  }
  return outcome.status;
}

StatusCode RpcClient::call_async(ConnectionId connection, MethodId method, std::span<const std::byte> request,
                                 std::int64_t deadline_ns, Completion&& done) {
  if (request.size() > UINT32_MAX) return StatusCode::kResourceExhausted;
  std::span<std::byte> buffer;
  const auto bytes = static_cast<std::uint32_t>(request.size());
  const StatusCode status = try_begin_request(connection, method, bytes, buffer);
  if (status != StatusCode::kOk) return status;
  if (bytes != 0) std::memcpy(buffer.data(), request.data(), bytes);
  return commit_request_async(connection, bytes, deadline_ns, std::move(done));
}

StatusCode RpcClient::call(ConnectionId connection, MethodId method, std::span<const std::byte> request,
                           std::int64_t deadline_ns, Completion&& on_reply) {
  if (request.size() > UINT32_MAX) return StatusCode::kResourceExhausted;
  std::span<std::byte> buffer;
  const auto bytes = static_cast<std::uint32_t>(request.size());
  const StatusCode status = begin_request(connection, method, bytes, deadline_ns, buffer);
  if (status != StatusCode::kOk) return status;
  if (bytes != 0) std::memcpy(buffer.data(), request.data(), bytes);
  return commit_request(connection, bytes, deadline_ns, std::move(on_reply));
}

}  // namespace pipescale::ipc
