#pragma once
// The gRPC transport: a GrpcServerAdapter per address it listens on and a GrpcChannel per peer,
// all ringing one doorbell, so the agent parks and wakes as it does on the rings. Endpoints are
// addresses: "unix:PATH" or "HOST:PORT".
#include <memory>
#include <string>
#include <vector>

#include "services/grpc/grpc_channel.hpp"
#include "services/grpc/grpc_server.hpp"
#include "services/transport.hpp"

namespace pipescale::services {

struct GrpcTransportOptions {
  // Rung when a call or a response arrives. Give the process's other transport's doorbell when it
  // has one, so that one park covers both; nullptr: the transport makes its own.
  ipc::DoorbellLayout* doorbell = nullptr;
  GrpcChannelOptions channel{};
  GrpcServerOptions server{};
};

class GrpcTransport final : public Transport {
 public:
  explicit GrpcTransport(const GrpcTransportOptions& options);
  ~GrpcTransport() override;

  [[nodiscard]] TransportKind kind() const override { return TransportKind::kGrpc; }
  Status serve(Dispatcher& service) override;
  Result<std::string> listen(const std::string& endpoint) override;
  Result<ipc::Channel*> connect(const std::string& endpoint) override;

  std::size_t poll(std::int64_t now_ns) override;
  [[nodiscard]] bool has_work() const override;
  // gRPC enforces deadlines itself, and every arrival rings the doorbell: no timer of its own.
  [[nodiscard]] std::int64_t next_timer_ns() const override { return 0; }
  [[nodiscard]] ipc::DoorbellLayout* doorbell() const override { return doorbell_; }

 private:
  GrpcTransportOptions options_;
  std::unique_ptr<ipc::DoorbellLayout> own_doorbell_;
  ipc::DoorbellLayout* doorbell_;
  std::vector<Dispatcher*> services_;
  std::vector<std::unique_ptr<GrpcServerAdapter>> servers_;
  std::vector<std::unique_ptr<GrpcChannel>> channels_;
};

}  // namespace pipescale::services
