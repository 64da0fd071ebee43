#pragma once
// The serving side of the ring transport: many connections, one doorbell, one thread.
//
// poll(now) reads each connection's request ring (up to poll_batch records), checks every
// request before any handler sees it (flag and size, epoch, method id, the method's request
// verifier, the deadline) and answers the ones that fail with a status; the rest go to the
// method's handler with a Responder. Responses that find the ring full wait in the connection's
// backlog and are retried first thing on the next poll; while a backlog is not empty the server
// reads no new requests from that connection, so a client that stops reading is slowed down by
// its own full request ring instead of growing the backlog.
//
// Not thread-safe: one thread owns a server; deferred replies come from that thread too.
// Nothing on the request path allocates, locks or logs.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ipc/ring/spsc_ring.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/rpc/method.hpp"
#include "ipc/rpc/responder.hpp"
#include "ipc/rpc/response_backlog.hpp"
#include "ipc/rpc/rpc_counters.hpp"
#include "ipc/wait/doorbell.hpp"

namespace pipescale::ipc {

struct ServerOptions {
  std::uint32_t max_connections = 64;
  std::uint32_t max_methods = 64;
  std::uint32_t poll_batch = 32;  // requests read per connection per poll
  // Per connection. 0: room for a whole poll batch of the largest replies its response ring takes,
  // so replies made during one poll never overflow; deferred replies can (counted).
  std::size_t backlog_bytes = 0;
  std::int64_t backlog_retry_ns = 50'000;  // a parked server re-polls this soon while a backlog waits
  bool reject_expired = true;              // answer kDeadlineExceeded instead of dispatching late work
};

class RpcServer final : public ReplySink {
 public:
  RpcServer(const ServerOptions& options, DoorbellLayout* own_bell);
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;
  ~RpcServer();  // lets go of its connections: their clients fail pending calls with kUnavailable

  // Setup.
  Status add_method(const MethodSpec& spec, Handler handler);
  // Binds as the connection's server (clients watch this process). Its server doorbell must be
  // the one this server parks on. Returns the connection index handlers see.
  Result<std::uint32_t> add_connection(const ConnectionRegions& regions);

  // Agent step: returns how many requests it handled and backlogged responses it wrote.
  std::size_t poll(std::int64_t now_ns);
  [[nodiscard]] bool has_work() const;
  // When a backlog waits for room, the time to retry it (the client does not ring when it reads);
  // 0 otherwise.
  [[nodiscard]] std::int64_t next_timer_ns() const;

  // ReplySink: answers for deferred requests (and what Responder calls).
  [[nodiscard]] StatusCode reply(const ReplyToken& token, std::span<const std::byte> message) override;
  [[nodiscard]] StatusCode reply_status(const ReplyToken& token, StatusCode status) override;
  [[nodiscard]] StatusCode begin_reply(const ReplyToken& token, std::uint32_t max_bytes,
                                       std::span<std::byte>& buffer) override;
  [[nodiscard]] StatusCode commit_reply(std::uint32_t bytes) override;
  void abort_reply() override;

  [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
  [[nodiscard]] std::size_t backlog_entries(std::uint32_t connection) const;
  [[nodiscard]] const RpcServerCounters& counters() const { return counters_; }
  // The region of the first ring found corrupt ("<connection>.req" or ".rsp"), empty while none was.
  [[nodiscard]] const std::string& data_loss_region() const { return data_loss_region_; }

 private:
  struct Method {
    MethodSpec spec;
    Handler handler;
  };
  struct Connection {
    std::string name;
    RingReader requests;
    RingWriter responses;
    Doorbell client_bell;
    ConnectionControl* control = nullptr;
    ResponseBacklog backlog;
    bool notify_pending = false;  // a response was written during this poll: ring once at its end
    bool lost = false;            // a ring was found corrupt: counted once in data_loss
  };
  struct ReplyClaim {
    bool active = false;
    bool in_ring = false;  // false: building in scratch_, to be parked in the backlog
    ReplyToken token;
    std::span<std::byte> buffer;
  };

  void dispatch(std::uint32_t index, const RecordView& record);
  void run_handler(Method& method, const RequestView& request, const ReplyToken& token);
  StatusCode send(const ReplyToken& token, StatusCode status, std::span<const std::byte> message);
  StatusCode send_to(Connection& connection, const RecordMeta& meta, std::span<const std::byte> message);
  std::size_t flush_backlog(Connection& connection);
  void written(Connection& connection);
  void close_corrupt(Connection& connection, const char* ring);
  Connection* find(std::uint32_t connection);

  std::string data_loss_region_;
  ServerOptions options_;
  DoorbellLayout* own_bell_;
  MethodTable<Method> methods_;
  std::vector<Connection> connections_;  // reserved at construction: never reallocates
  std::vector<std::byte> scratch_;       // begin_reply's buffer when the ring has no room
  ReplyClaim claim_;
  RpcServerCounters counters_;
  std::int64_t now_ns_ = 0;
  bool polling_ = false;
};

}  // namespace pipescale::ipc
