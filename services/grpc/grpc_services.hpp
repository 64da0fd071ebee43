#pragma once
// The flatc --grpc generated services, each rpc forwarding to GrpcServerAdapter::handle().
#include <cstdint>
#include <grpcpp/impl/service_type.h>
#include <memory>

namespace pipescale::services {

class GrpcServerAdapter;

// The generated service with this service id, forwarding to adapter; nullptr for an unknown id.
std::unique_ptr<grpc::Service> make_generated_service(std::uint8_t service_id, GrpcServerAdapter& adapter);

}  // namespace pipescale::services
