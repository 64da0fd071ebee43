#pragma once
// The shared-memory transport: one ipc::RpcServer and one ipc::RpcClient for this process, on
// the connections laid out in the run's segment, parked on the process's one doorbell.
// Endpoints are connection names: listen("frontend0.client") binds this process as the
// connection's server, connect("frontend0.worker1") as its client.
#include <memory>
#include <string>
#include <vector>

#include "ipc/rpc/rpc_client.hpp"
#include "ipc/rpc/rpc_server.hpp"
#include "ipc/segment/segment.hpp"
#include "services/transport.hpp"

namespace pipescale::services {

// For code that drives ipc::RpcServer / ipc::RpcClient itself (benchmarks, tests):
// every method of `service`, with its verifiers, dispatched to it; the dispatcher must outlive the server.
Status serve_on(ipc::RpcServer& server, Dispatcher& service);
// Every rpc's response verifier, so that any stub works over the client's RingChannels.
Status add_all_methods(ipc::RpcClient& client);

struct ShmTransportOptions {
  const ipc::Segment* segment = nullptr;  // the run's published segment; it must outlive the transport
  std::string process;                    // this process in the segment: it parks on "<process>.bell"
  ipc::ClientOptions client{};
  ipc::ServerOptions server{};
};

class ShmTransport final : public Transport {
 public:
  static Result<std::unique_ptr<ShmTransport>> create(const ShmTransportOptions& options);
  ~ShmTransport() override;

  [[nodiscard]] TransportKind kind() const override { return TransportKind::kShm; }
  Status serve(Dispatcher& service) override;
  Result<std::string> listen(const std::string& endpoint) override;
  Result<ipc::Channel*> connect(const std::string& endpoint) override;

  std::size_t poll(std::int64_t now_ns) override;
  [[nodiscard]] bool has_work() const override;
  [[nodiscard]] std::int64_t next_timer_ns() const override;
  [[nodiscard]] ipc::DoorbellLayout* doorbell() const override { return doorbell_; }
  [[nodiscard]] std::uint64_t data_losses() const override;
  [[nodiscard]] std::string data_loss_region() const override;

  // For counters and tests.
  [[nodiscard]] ipc::RpcClient& client() { return *client_; }
  [[nodiscard]] ipc::RpcServer& server() { return *server_; }

 private:
  ShmTransport(const ShmTransportOptions& options, ipc::DoorbellLayout* doorbell);

  const ipc::Segment* segment_;
  ipc::DoorbellLayout* doorbell_;
  std::unique_ptr<ipc::RpcServer> server_;
  std::unique_ptr<ipc::RpcClient> client_;
  std::vector<std::unique_ptr<ipc::RingChannel>> channels_;
  bool listening_ = false;
};

}  // namespace pipescale::services
