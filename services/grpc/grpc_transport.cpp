#include "services/grpc/grpc_transport.hpp"

#include <algorithm>

#include "services/method_specs.hpp"

namespace pipescale::services {

GrpcTransport::GrpcTransport(const GrpcTransportOptions& options)
    : options_(options),
      own_doorbell_(options.doorbell == nullptr ? std::make_unique<ipc::DoorbellLayout>() : nullptr),
      doorbell_(options.doorbell != nullptr ? options.doorbell : own_doorbell_.get()) {}

// Channels first: their pending calls end (kCancelled) before the servers stop.
GrpcTransport::~GrpcTransport() {
  channels_.clear();
  servers_.clear();
}

Status GrpcTransport::serve(Dispatcher& service) {
  if (!servers_.empty()) {
    return Error{"serve " + std::string(service.service_name()) + ": register services before listen()"};
  }
  services_.push_back(&service);
  return Ok{};
}

Result<std::string> GrpcTransport::listen(const std::string& endpoint) {
  auto server = std::make_unique<GrpcServerAdapter>(options_.server, doorbell_);
  for (Dispatcher* service : services_) {
    if (auto added = server->add_service(*service); !added) return added.error();
  }
  auto address = server->start(endpoint);
  if (!address) return address.error();
  servers_.push_back(std::move(server));
  return address;
}

Result<ipc::Channel*> GrpcTransport::connect(const std::string& endpoint) {
  auto channel = GrpcChannel::create(endpoint, all_method_specs(), options_.channel, doorbell_);
  if (!channel) return channel.error();
  channels_.push_back(std::move(channel).value());
  return static_cast<ipc::Channel*>(channels_.back().get());
}

std::size_t GrpcTransport::poll(std::int64_t now_ns) {
  std::size_t work = 0;
  for (const auto& server : servers_) work += server->poll(now_ns);
  for (const auto& channel : channels_) work += channel->poll(now_ns);
  return work;
}

bool GrpcTransport::has_work() const {
  return std::any_of(servers_.begin(), servers_.end(), [](const auto& server) { return server->has_work(); }) ||
         std::any_of(channels_.begin(), channels_.end(), [](const auto& channel) { return channel->has_work(); });
}

}  // namespace pipescale::services
