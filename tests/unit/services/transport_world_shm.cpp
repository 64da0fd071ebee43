// The shared-memory half of the test world: no gRPC here, so ipc-only test programs can use it.
#include "services/shm_transport.hpp"
#include "tests/unit/services/transport_world.hpp"

namespace pipescale::test {

bool serve(World& world, const Served& served) {
  services::Dispatcher* all[] = {
      served.client ? &world.client_dispatcher : nullptr, served.frontend ? &world.frontend_dispatcher : nullptr,
      served.worker ? &world.worker_dispatcher : nullptr, served.scheduler ? &world.scheduler_dispatcher : nullptr};
  for (services::Dispatcher* dispatcher : all) {
    if (dispatcher == nullptr) continue;
    if (auto served_one = world.server->serve(*dispatcher); !served_one) {
      ADD_FAILURE() << served_one.error().message;
      return false;
    }
  }
  return true;
}

bool make_shm_world(World& world, ShmNames& names, Served served) {
  ipc::ConnectionSpec shape;
  shape.request_ring_bytes = std::uint64_t{256} * 1024;  // a Batch of 32 is 8 KB: room for many
  shape.response_ring_bytes = std::uint64_t{256} * 1024;
  world.segment.emplace(make_segment(names.next(), 1, shape));
  auto server = services::ShmTransport::create({.segment = &*world.segment, .process = "server"});
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return false;
  }
  world.server = std::move(server).value();
  if (!serve(world, served)) return false;
  auto listening = world.server->listen(connection_name(0));
  auto client = services::ShmTransport::create({.segment = &*world.segment, .process = client_process(0)});
  if (!listening || !client) {
    ADD_FAILURE() << (listening ? client.error().message : listening.error().message);
    return false;
  }
  world.endpoint = *listening;
  world.client = std::move(client).value();
  auto channel = world.client->connect(world.endpoint);
  if (!channel) {
    ADD_FAILURE() << channel.error().message;
    return false;
  }
  world.channel = *channel;
  world.start_agent();
  return true;
}

}  // namespace pipescale::test
