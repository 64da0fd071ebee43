#include "ipc/rpc/rpc_server.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace pipescale::ipc {

RpcServer::RpcServer(const ServerOptions& options, DoorbellLayout* own_bell)
    : options_(options), own_bell_(own_bell), methods_(options.max_methods) {
  connections_.reserve(options.max_connections);
}

RpcServer::~RpcServer() {
  for (Connection& connection : connections_) unbind_server(*connection.control);
}

Status RpcServer::add_method(const MethodSpec& spec, Handler handler) {
  if (!handler) return Error{std::string("server method '") + spec.name + "' has no handler"};
  auto added = methods_.add(spec.id, Method{spec, std::move(handler)});
  if (!added) return Error{std::string("server method '") + spec.name + "': " + added.error().message};
  return Ok{};
}

Result<std::uint32_t> RpcServer::add_connection(const ConnectionRegions& regions) {
  if (regions.server_bell != own_bell_) {
    return Error{"connection '" + regions.name + "' rings a different doorbell than this server parks on"};
  }
  if (connections_.size() == options_.max_connections) {
    return Error{"server has max_connections (" + std::to_string(options_.max_connections) + ") already"};
  }
  if (auto bound = bind_server(*regions.control, regions.name); !bound) return bound.error();
  Connection& connection = connections_.emplace_back();
  connection.name = regions.name;
  connection.requests = RingReader(regions.requests);
  connection.responses = RingWriter(regions.responses);
  connection.client_bell = Doorbell(regions.client_bell);
  connection.control = regions.control;
  const std::uint64_t largest = connection.responses.max_payload_bytes();
  connection.backlog = ResponseBacklog(options_.backlog_bytes != 0
                                           ? options_.backlog_bytes
                                           : options_.poll_batch * (largest + ResponseBacklog::kEntryOverheadBytes));
  if (scratch_.size() < largest) scratch_.resize(largest);
  return static_cast<std::uint32_t>(connections_.size() - 1);
}

RpcServer::Connection* RpcServer::find(std::uint32_t connection) {
  return connection < connections_.size() ? &connections_[connection] : nullptr;
}

std::size_t RpcServer::poll(std::int64_t now_ns) {
  if (polling_) return 0;  // called from a handler: the outer poll is mid-way through a ring
  now_ns_ = now_ns;
  polling_ = true;
  std::size_t work = 0;
  for (std::uint32_t index = 0; index < connections_.size(); ++index) {
    Connection& connection = connections_[index];
    if (!connection.backlog.empty()) work += flush_backlog(connection);
    if (connection.backlog.empty()) {
      work += connection.requests.poll([this, index](const RecordView& record) { dispatch(index, record); },
                                       options_.poll_batch);
      if (connection.requests.broken() && !connection.lost) close_corrupt(connection, ".req");
    }
    if (connection.notify_pending) {
      connection.notify_pending = false;
      connection.client_bell.notify();  // once per connection per poll: a burst costs one wake
    }
  }
  polling_ = false;
  return work;
}

void RpcServer::dispatch(std::uint32_t index, const RecordView& record) {
  bump(counters_.requests_received);
  const RecordMeta& meta = record.meta;
  const ReplyToken token{meta.correlation_id, index, meta.epoch, meta.method_id};
  // acquire pairs with the fetch_add in bind_client. A request from an earlier incarnation of
  // the client has nobody waiting for it: skip the work (its reply would be dropped anyway).
  if (meta.epoch != connections_[index].control->client.epoch.load(std::memory_order_acquire)) {
    bump(counters_.stale_epoch_requests);
    return;
  }
  if (meta.flags != kRequestFlag || record.payload.size() < kRequestPrefixBytes) {
    bump(counters_.malformed_requests);
    (void)send(token, StatusCode::kInvalidArgument, {});
    return;
  }
  std::int64_t deadline_ns = 0;
  std::memcpy(&deadline_ns, record.payload.data(), sizeof deadline_ns);
  const std::span<const std::byte> message = record.payload.subspan(kRequestPrefixBytes);
  Method* method = methods_.find(meta.method_id);
  if (method == nullptr) {
    bump(counters_.unimplemented);
    (void)send(token, StatusCode::kUnimplemented, {});
  } else if (method->spec.request_verifier != nullptr && !method->spec.request_verifier(message)) {
    bump(counters_.invalid_requests);
    (void)send(token, StatusCode::kInvalidArgument, {});
  } else if (options_.reject_expired && deadline_ns != 0 && deadline_ns <= now_ns_) {
    bump(counters_.expired_requests);
    (void)send(token, StatusCode::kDeadlineExceeded, {});
  } else {
    run_handler(*method, RequestView{message, meta.method_id, meta.correlation_id, index, deadline_ns}, token);
  }
}

void RpcServer::run_handler(Method& method, const RequestView& request, const ReplyToken& token) {
  bump(counters_.requests_dispatched);
  Responder responder(*this, token);
  method.handler(request, responder);
  if (responder.deferred()) bump(counters_.deferred);
  if (responder.settled()) return;
  if (responder.building()) abort_reply();
  bump(counters_.handler_no_reply);
  (void)send(token, StatusCode::kInternal, {});
}

StatusCode RpcServer::reply(const ReplyToken& token, std::span<const std::byte> message) {
  if (claim_.active) {
    bump(counters_.misuse);
    return StatusCode::kFailedPrecondition;  // finish the reply under construction first
  }
  return send(token, StatusCode::kOk, message);
}

StatusCode RpcServer::reply_status(const ReplyToken& token, StatusCode status) {
  if (claim_.active) {
    bump(counters_.misuse);
    return StatusCode::kFailedPrecondition;
  }
  return send(token, status, {});
}

StatusCode RpcServer::send(const ReplyToken& token, StatusCode status, std::span<const std::byte> message) {
  Connection* connection = find(token.connection);
  if (connection == nullptr) {
    bump(counters_.misuse);
    return StatusCode::kFailedPrecondition;
  }
  const RecordMeta meta{token.correlation_id, token.method_id, kResponseFlag, static_cast<std::uint16_t>(status),
                        token.epoch};
  if (status != StatusCode::kOk) bump(counters_.error_responses);
  if (message.size() > connection->responses.max_payload_bytes()) {
    bump(counters_.too_large_responses);
    (void)send_to(*connection,
                  RecordMeta{meta.correlation_id, meta.method_id, kResponseFlag,
                             static_cast<std::uint16_t>(StatusCode::kResourceExhausted), meta.epoch},
                  {});
    return StatusCode::kResourceExhausted;
  }
  return send_to(*connection, meta, message);
}

StatusCode RpcServer::send_to(Connection& connection, const RecordMeta& meta, std::span<const std::byte> message) {
  // No check of the ring's `broken` flag up front: it shares a line with the counters the client
  // writes on every poll, so reading it here cost a cross-core miss on every reply. A broken ring
  // is never read again; try_write says kBroken once it is full, and until then a reply written
  // into it is lost like any reply to a client that stopped reading.
  if (!connection.backlog.empty()) flush_backlog(connection);  // keep replies in order
  if (connection.backlog.empty()) {
    const RingStatus status = connection.responses.try_write(meta, message);
    if (status == RingStatus::kOk) {
      bump(counters_.responses_sent);
      written(connection);
      return StatusCode::kOk;
    }
    if (status == RingStatus::kBroken) {
      bump(counters_.dropped_broken_ring);
      close_corrupt(connection, ".rsp");
      return StatusCode::kDataLoss;
    }
  }
  if (!connection.backlog.push(meta, message)) {
    bump(counters_.backlog_overflow);
    return StatusCode::kResourceExhausted;
  }
  bump(counters_.backlogged);
  return StatusCode::kOk;
}

std::size_t RpcServer::flush_backlog(Connection& connection) {
  std::size_t written_entries = 0;
  while (!connection.backlog.empty()) {
    const RingStatus status = connection.backlog.write_front(connection.responses);
    if (status == RingStatus::kFull) break;
    if (status != RingStatus::kOk) {  // broken ring: nothing will ever be read from it
      bump(counters_.dropped_broken_ring);
      close_corrupt(connection, ".rsp");
      connection.backlog.pop_front();
      continue;
    }
    bump(counters_.responses_sent);
    ++written_entries;
  }
  if (written_entries != 0) written(connection);
  return written_entries;
}

void RpcServer::close_corrupt(Connection& connection, const char* ring) {
  if (connection.lost) return;
  connection.lost = true;
  bump(counters_.data_loss);
  if (data_loss_region_.empty()) data_loss_region_ = connection.name + ring;  // the first one, once per process
}

void RpcServer::written(Connection& connection) {
  if (polling_) {
    connection.notify_pending = true;
  } else {
    connection.client_bell.notify();  // a deferred reply from outside poll(): ring now
  }
}

StatusCode RpcServer::begin_reply(const ReplyToken& token, std::uint32_t max_bytes, std::span<std::byte>& buffer) {
  Connection* connection = find(token.connection);
  if (claim_.active || connection == nullptr) {
    bump(counters_.misuse);
    return StatusCode::kFailedPrecondition;
  }
  if (max_bytes > connection->responses.max_payload_bytes()) {
    bump(counters_.too_large_responses);
    (void)send(token, StatusCode::kResourceExhausted, {});  // the caller learns why
    return StatusCode::kResourceExhausted;
  }
  if (!connection->backlog.empty()) flush_backlog(*connection);
  claim_.in_ring =
      connection->backlog.empty() && connection->responses.try_claim(max_bytes, claim_.buffer) == RingStatus::kOk;
  if (!claim_.in_ring) claim_.buffer = std::span<std::byte>(scratch_.data(), max_bytes);
  claim_.active = true;
  claim_.token = token;
  buffer = claim_.buffer;
  return StatusCode::kOk;
}

StatusCode RpcServer::commit_reply(std::uint32_t bytes) {
  if (!claim_.active) {
    bump(counters_.misuse);
    return StatusCode::kFailedPrecondition;
  }
  claim_.active = false;
  const std::uint32_t used = std::min<std::uint32_t>(bytes, static_cast<std::uint32_t>(claim_.buffer.size()));
  if (!claim_.in_ring) return send(claim_.token, StatusCode::kOk, claim_.buffer.first(used));
  Connection& connection = connections_[claim_.token.connection];
  connection.responses.commit(
      RecordMeta{claim_.token.correlation_id, claim_.token.method_id, kResponseFlag, 0, claim_.token.epoch}, used);
  bump(counters_.responses_sent);
  written(connection);
  return StatusCode::kOk;
}

void RpcServer::abort_reply() {
  if (!claim_.active) return;
  if (claim_.in_ring) connections_[claim_.token.connection].responses.abort();
  claim_.active = false;
}

bool RpcServer::has_work() const {
  return std::any_of(connections_.begin(), connections_.end(), [](const Connection& connection) {
    return connection.backlog.empty() && connection.requests.has_data();
  });
}

std::int64_t RpcServer::next_timer_ns() const {
  const bool waiting = std::any_of(connections_.begin(), connections_.end(),
                                   [](const Connection& connection) { return !connection.backlog.empty(); });
  return waiting ? now_ns_ + options_.backlog_retry_ns : 0;
}

std::size_t RpcServer::backlog_entries(std::uint32_t connection) const {
  return connection < connections_.size() ? connections_[connection].backlog.entries() : 0;
}

}  // namespace pipescale::ipc
