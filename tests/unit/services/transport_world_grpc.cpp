// The gRPC half of the test world: a server on a unix socket or on 127.0.0.1 with a port the
// system picks, and a client channel to it. Loopback only.
#include "services/grpc/grpc_transport.hpp"
#include "tests/unit/services/transport_world.hpp"

namespace pipescale::test {

namespace {

bool make_grpc_world(World& world, Carrier carrier, Served served) {
  world.server = std::make_unique<services::GrpcTransport>(services::GrpcTransportOptions{});
  if (!serve(world, served)) return false;
  std::string address = "127.0.0.1:0";
  if (carrier == Carrier::kGrpcUnix) {
    world.directory.emplace();
    address = "unix:" + world.directory->path() + "/server.sock";
  }
  auto listening = world.server->listen(address);
  if (!listening) {
    ADD_FAILURE() << listening.error().message;
    return false;
  }
  world.endpoint = *listening;
  world.client = std::make_unique<services::GrpcTransport>(services::GrpcTransportOptions{});
  auto channel = world.client->connect(world.endpoint);
  if (!channel) {
    ADD_FAILURE() << channel.error().message;
    return false;
  }
  world.channel = *channel;
  world.start_agent();
  return true;
}

}  // namespace

bool make_world(World& world, Carrier carrier, ShmNames& names, Served served) {
  if (carrier == Carrier::kShm) return make_shm_world(world, names, served);
  return make_grpc_world(world, carrier, served);
}

}  // namespace pipescale::test
