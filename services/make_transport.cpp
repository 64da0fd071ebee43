#include "services/make_transport.hpp"

#include <string>

namespace pipescale::services {

Result<std::unique_ptr<Transport>> make_transport(const TransportConfig& config) {
  switch (config.kind) {
    case TransportKind::kShm: {
      auto transport = ShmTransport::create(config.shm);
      if (!transport) return transport.error();
      return std::unique_ptr<Transport>(std::move(transport).value());
    }
    case TransportKind::kGrpc: return std::unique_ptr<Transport>(std::make_unique<GrpcTransport>(config.grpc));
    case TransportKind::kSim: return Error{"the simulated transport is made by a simulation (engine/simulate)"};
  }
  return Error{"unknown transport kind " + std::to_string(static_cast<int>(config.kind))};
}

}  // namespace pipescale::services
