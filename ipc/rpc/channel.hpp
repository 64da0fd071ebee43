#pragma once
// The calling interface that typed stubs are written against, free of transport details: one
// generated stub per service works over the shared-memory rings (RingChannel, below) and, later,
// over gRPC (a GrpcChannel over grpc::GenericStub, carrying the same FlatBuffers bytes under
// MethodSpec::name). Roles hold stubs, so they never learn which transport is underneath.
//
// The semantics are RpcClient's (rpc_client.hpp): an *_async call that returns kOk completes
// exactly once, later, from the owner's poll(); any other return value is the call's outcome.
// A synchronous call returns the outcome and hands a kOk response to on_reply first.
// Zero-copy requests: begin (reserve up to max_bytes), build into the buffer, commit the bytes
// used (or abort). A transport without a ring hands out a buffer of its own.
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "ipc/rpc/call.hpp"
#include "ipc/rpc/rpc_client.hpp"

namespace pipescale::ipc {

class Channel {
 public:
  virtual ~Channel() = default;

  [[nodiscard]] virtual StatusCode call(MethodId method, std::span<const std::byte> request, std::int64_t deadline_ns,
                                        Completion&& on_reply) = 0;
  [[nodiscard]] virtual StatusCode call_async(MethodId method, std::span<const std::byte> request,
                                              std::int64_t deadline_ns, Completion&& done) = 0;

  [[nodiscard]] virtual StatusCode try_begin_request(MethodId method, std::uint32_t max_bytes,
                                                     std::span<std::byte>& buffer) = 0;
  [[nodiscard]] virtual StatusCode begin_request(MethodId method, std::uint32_t max_bytes, std::int64_t deadline_ns,
                                                 std::span<std::byte>& buffer) = 0;
  [[nodiscard]] virtual StatusCode commit_request(std::uint32_t bytes, std::int64_t deadline_ns,
                                                  Completion&& on_reply) = 0;
  [[nodiscard]] virtual StatusCode commit_request_async(std::uint32_t bytes, std::int64_t deadline_ns,
                                                        Completion&& done) = 0;
  virtual void abort_request() = 0;

 protected:
  Channel() = default;
  Channel(const Channel&) = default;
  Channel& operator=(const Channel&) = default;
};

// One connection of an RpcClient, seen as a Channel. The client must outlive it.
class RingChannel final : public Channel {
 public:
  RingChannel(RpcClient& client, ConnectionId connection) : client_(&client), connection_(connection) {}

  [[nodiscard]] StatusCode call(MethodId method, std::span<const std::byte> request, std::int64_t deadline_ns,
                                Completion&& on_reply) override {
    return client_->call(connection_, method, request, deadline_ns, std::move(on_reply));
  }
  [[nodiscard]] StatusCode call_async(MethodId method, std::span<const std::byte> request, std::int64_t deadline_ns,
                                      Completion&& done) override {
    return client_->call_async(connection_, method, request, deadline_ns, std::move(done));
  }
  [[nodiscard]] StatusCode try_begin_request(MethodId method, std::uint32_t max_bytes,
                                             std::span<std::byte>& buffer) override {
    return client_->try_begin_request(connection_, method, max_bytes, buffer);
  }
  [[nodiscard]] StatusCode begin_request(MethodId method, std::uint32_t max_bytes, std::int64_t deadline_ns,
                                         std::span<std::byte>& buffer) override {
    return client_->begin_request(connection_, method, max_bytes, deadline_ns, buffer);
  }
  [[nodiscard]] StatusCode commit_request(std::uint32_t bytes, std::int64_t deadline_ns,
                                          Completion&& on_reply) override {
    return client_->commit_request(connection_, bytes, deadline_ns, std::move(on_reply));
  }
  [[nodiscard]] StatusCode commit_request_async(std::uint32_t bytes, std::int64_t deadline_ns,
                                                Completion&& done) override {
    return client_->commit_request_async(connection_, bytes, deadline_ns, std::move(done));
  }
  void abort_request() override { client_->abort_request(connection_); }

  [[nodiscard]] ConnectionId connection() const { return connection_; }

 private:
  RpcClient* client_;
  ConnectionId connection_;
};

}  // namespace pipescale::ipc
