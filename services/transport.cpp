#include "services/transport.hpp"

namespace pipescale::services {

std::string_view to_string(TransportKind kind) {
  switch (kind) {
    case TransportKind::kShm: return "shm";
    case TransportKind::kGrpc: return "grpc";
    case TransportKind::kSim: return "sim";
  }
  return "unknown";
}

std::optional<TransportKind> parse_transport_kind(std::string_view text) {
  if (text == "shm") return TransportKind::kShm;
  if (text == "grpc") return TransportKind::kGrpc;
  if (text == "sim") return TransportKind::kSim;
  return std::nullopt;
}

}  // namespace pipescale::services
