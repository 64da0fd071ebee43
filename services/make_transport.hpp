#pragma once
// The transport of a process, chosen by configuration: role code receives a Transport& and never
// names the kind. Built into pipescale::services_grpc (it can make a gRPC transport); a build
// without gRPC has ShmTransport::create() only.
//
//   auto transport = services::make_transport({.kind = services::TransportKind::kGrpc});
//   auto transport = services::make_transport({.kind = services::TransportKind::kShm,
//                                              .shm = {.segment = &segment, .process = "frontend0"}});
//
// A process whose links are of both kinds makes one of each, gives the gRPC one the shared-memory
// one's doorbell (grpc.doorbell) and polls both: one park covers every link.
#include <memory>

#include "base/result.hpp"
#include "services/grpc/grpc_transport.hpp"
#include "services/shm_transport.hpp"
#include "services/transport.hpp"

namespace pipescale::services {

struct TransportConfig {
  TransportKind kind = TransportKind::kShm;
  ShmTransportOptions shm{};    // kind == kShm
  GrpcTransportOptions grpc{};  // kind == kGrpc
};

Result<std::unique_ptr<Transport>> make_transport(const TransportConfig& config);

}  // namespace pipescale::services
