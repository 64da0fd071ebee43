// RpcClient's receiving half: responses, deadlines and the watch on the server process.
#include <algorithm>
#include <climits>
#include <utility>

#include "ipc/rpc/rpc_client.hpp"

namespace pipescale::ipc {

std::size_t RpcClient::poll(std::int64_t now_ns) {
  if (polling_) return 0;  // called from a completion: the outer poll is mid-way through a ring
  polling_ = true;
  std::size_t work = 0;
  for (Connection& connection : connections_) work += poll_connection(connection, now_ns);
  polling_ = false;
  return work;
}

std::size_t RpcClient::poll_connection(Connection& connection, std::int64_t now_ns) {
  // Responses first: one that arrived just before its deadline still counts.
  std::size_t work = connection.responses.poll(
      [this, &connection](const RecordView& record) { on_response(connection, record); }, options_.poll_batch);
  if (connection.in_flight == 0) {
    // A corrupt ring is closed at once, calls pending or not: the process names it off this path.
    if (!connection.lost && connection.responses.broken()) work += close_corrupt(connection);
    return work;
  }
  if (now_ns >= connection.earliest_deadline_ns) work += expire(connection, now_ns);
  if (now_ns >= connection.next_peer_check_ns) work += check_peer(connection, now_ns);
  return work;
}

void RpcClient::on_response(Connection& connection, const RecordView& record) {
  const RecordMeta& meta = record.meta;
  if (meta.epoch != connection.epoch) {  // meant for an earlier incarnation of this client
    bump(counters_.stale_epoch_responses);
    return;
  }
  if (meta.flags != kResponseFlag) {
    bump(counters_.malformed_responses);
    return;
  }
  const std::uint32_t index = correlation_slot(meta.correlation_id);
  if (index >= connection.slots.size() || connection.slots[index].state != SlotState::kPending ||
      connection.slots[index].generation != correlation_generation(meta.correlation_id)) {
    bump(counters_.late_responses);  // its call already ended (timed out), or the slot serves a newer call
    return;
  }
  const MethodId method = connection.slots[index].method;
  if (meta.method_id != method) {
    bump(counters_.method_mismatches);
    finish(connection, index, StatusCode::kInternal, {});
    return;
  }
  StatusCode status = status_from_wire(meta.status);
  std::span<const std::byte> payload;
  if (status == StatusCode::kOk) {
    const PayloadVerifier* verifier = verifiers_.find(method);
    if (verifier != nullptr && *verifier != nullptr && !(*verifier)(record.payload)) {
      bump(counters_.invalid_responses);
      status = StatusCode::kInvalidArgument;
    } else {
      payload = record.payload;
    }
  }
  finish(connection, index, status, payload);
}

void RpcClient::finish(Connection& connection, std::uint32_t index, StatusCode status,
                       std::span<const std::byte> payload) {
  Slot& slot = connection.slots[index];
  // Free the slot before the completion runs: the completion may start the next call.
  Completion done = std::move(slot.completion);
  const Reply reply{status, slot.method, make_correlation_id(index, slot.generation), payload};
  slot.state = SlotState::kFree;
  connection.free_slots.push_back(index);
  --connection.in_flight;
  bump(counters_.outcomes[static_cast<std::size_t>(status)]);
  if (done) done(reply);
}

std::size_t RpcClient::expire(Connection& connection, std::int64_t now_ns) {
  // A completion below may start a call; it lowers earliest_deadline_ns itself, so start afresh.
  connection.earliest_deadline_ns = INT64_MAX;
  std::int64_t earliest = INT64_MAX;
  std::size_t expired = 0;
  for (std::uint32_t index = 0; index < connection.slots.size(); ++index) {
    const Slot& slot = connection.slots[index];
    if (slot.state != SlotState::kPending) continue;
    if (slot.deadline_ns <= now_ns) {
      finish(connection, index, StatusCode::kDeadlineExceeded, {});
      ++expired;
    } else {
      earliest = std::min(earliest, slot.deadline_ns);
    }
  }
  connection.earliest_deadline_ns = std::min(connection.earliest_deadline_ns, earliest);
  return expired;
}

std::size_t RpcClient::check_peer(Connection& connection, std::int64_t now_ns) {
  connection.next_peer_check_ns = now_ns + options_.peer_check_interval_ns;
  if (connection.lost || connection.requests.broken() || connection.responses.broken()) {
    return close_corrupt(connection);
  }
  if (fenced(connection)) {  // the supervisor voided the rings: nobody will answer these calls
    bump(counters_.peer_deaths);
    connection.down = true;
    return fail_pending(connection, StatusCode::kUnavailable);
  }
  // acquire pairs with the release stores in bind_server / unbind_server.
  const std::int32_t server_pid = connection.control->server.pid.load(std::memory_order_acquire);
  if (!connection.server.watching()) {
    if (server_pid == 0 || connection.server.watch(server_pid)) return 0;  // none yet, or a live one now
  } else {
    bump(counters_.peer_checks);
    if (server_pid == connection.server.pid() && !connection.server.exited()) return 0;
  }
  // The server died, or let go of the connection: nobody will answer the pending calls.
  bump(counters_.peer_deaths);
  connection.down = true;
  return fail_pending(connection, StatusCode::kUnavailable);
}

std::size_t RpcClient::close_corrupt(Connection& connection) {
  if (!connection.lost) {
    connection.lost = true;
    connection.down = true;
    bump(counters_.data_loss);
    if (data_loss_region_.empty()) {  // once per process, on the first corrupt ring (allocates once)
      data_loss_region_ = connection.name + (connection.responses.broken() ? ".rsp" : ".req");
    }
  }
  return fail_pending(connection, StatusCode::kDataLoss);
}

bool RpcClient::revive(Connection& connection) {
  // Calls made before a fence end first (check_peer), so none outlives the epoch it was sent in.
  if (connection.in_flight != 0) return false;
  // acquire pairs with the release store in bind_server: a new server may have taken over.
  const std::int32_t server_pid = connection.control->server.pid.load(std::memory_order_acquire);
  if (connection.lost || server_pid == 0 || server_pid == connection.server.pid()) return false;
  if (!connection.server.watch(server_pid)) return false;
  // A fenced connection is taken up in its new epoch: the successor serves only that one.
  connection.epoch = connection.control->client.epoch.load(std::memory_order_acquire);
  connection.down = false;
  return true;
}

bool RpcClient::fenced(const Connection& connection) {
  // acquire pairs with the acq_rel fetch_add in fence_connection.
  return connection.control->client.epoch.load(std::memory_order_acquire) != connection.epoch;
}

std::size_t RpcClient::fail_pending(Connection& connection, StatusCode status) {
  std::size_t failed = 0;
  for (std::uint32_t index = 0; index < connection.slots.size(); ++index) {
    if (connection.slots[index].state != SlotState::kPending) continue;
    finish(connection, index, status, {});
    ++failed;
  }
  return failed;
}

bool RpcClient::has_work() const {
  return std::any_of(connections_.begin(), connections_.end(),
                     [](const Connection& connection) { return connection.responses.has_data(); });
}

std::int64_t RpcClient::next_timer_ns() const {
  std::int64_t next = INT64_MAX;
  for (const Connection& connection : connections_) {
    if (connection.in_flight == 0) continue;
    next = std::min({next, connection.earliest_deadline_ns, connection.next_peer_check_ns});
  }
  return next == INT64_MAX ? 0 : next;
}

std::uint32_t RpcClient::in_flight(ConnectionId connection) const {
  return connection < connections_.size() ? connections_[connection].in_flight : 0;
}

std::uint32_t RpcClient::epoch(ConnectionId connection) const {
  return connection < connections_.size() ? connections_[connection].epoch : 0;
}

}  // namespace pipescale::ipc
