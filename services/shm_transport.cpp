#include "services/shm_transport.hpp"

#include <algorithm>

#include "ipc/rpc/connection.hpp"
#include "services/method_specs.hpp"

namespace pipescale::services {

Status serve_on(ipc::RpcServer& server, Dispatcher& service) {
  for (const ipc::MethodSpec& spec : service.methods()) {
    auto added =
        server.add_method(spec, [&service, &server](const ipc::RequestView& request, ipc::Responder& responder) {
          service.dispatch(request, responder, server);
        });
    if (!added) return Error{std::string(service.service_name()) + ": " + added.error().message};
  }
  return Ok{};
}

Status add_all_methods(ipc::RpcClient& client) {
  for (const ipc::MethodSpec& spec : all_method_specs()) {
    if (auto added = client.add_method(spec); !added) return added.error();
  }
  return Ok{};
}

Result<std::unique_ptr<ShmTransport>> ShmTransport::create(const ShmTransportOptions& options) {
  if (options.segment == nullptr) return Error{"shm transport: no segment given"};
  auto bell = ipc::find_process_doorbell(*options.segment, options.process);
  if (!bell) return Error{"shm transport for process '" + options.process + "': " + bell.error().message};
  std::unique_ptr<ShmTransport> transport(new ShmTransport(options, *bell));
  // Every response is verified before a stub reads it, whichever service it comes from.
  if (auto added = add_all_methods(*transport->client_); !added) return added.error();
  return transport;
}

ShmTransport::ShmTransport(const ShmTransportOptions& options, ipc::DoorbellLayout* doorbell)
    : segment_(options.segment),
      doorbell_(doorbell),
      server_(std::make_unique<ipc::RpcServer>(options.server, doorbell)),
      client_(std::make_unique<ipc::RpcClient>(options.client, doorbell)) {
  channels_.reserve(options.client.max_connections);
}

// The client first: its pending calls end (kCancelled) before the server lets go of its peers.
ShmTransport::~ShmTransport() {
  channels_.clear();
  client_.reset();
  server_.reset();
}

Status ShmTransport::serve(Dispatcher& service) {
  if (listening_) return Error{"serve " + std::string(service.service_name()) + ": register services before listen()"};
  return serve_on(*server_, service);
}

Result<std::string> ShmTransport::listen(const std::string& endpoint) {
  auto regions = ipc::find_connection(*segment_, endpoint);
  if (!regions) return Error{"listen on connection '" + endpoint + "': " + regions.error().message};
  auto bound = server_->add_connection(*regions);
  if (!bound) return Error{"listen on connection '" + endpoint + "': " + bound.error().message};
  listening_ = true;
  return endpoint;
}

Result<ipc::Channel*> ShmTransport::connect(const std::string& endpoint) {
  auto regions = ipc::find_connection(*segment_, endpoint);
  if (!regions) return Error{"connect to connection '" + endpoint + "': " + regions.error().message};
  auto connection = client_->add_connection(*regions);
  if (!connection) return Error{"connect to connection '" + endpoint + "': " + connection.error().message};
  channels_.push_back(std::make_unique<ipc::RingChannel>(*client_, *connection));
  return static_cast<ipc::Channel*>(channels_.back().get());
}

std::size_t ShmTransport::poll(std::int64_t now_ns) { return server_->poll(now_ns) + client_->poll(now_ns); }

std::uint64_t ShmTransport::data_losses() const {
  return ipc::counter_value(client_->counters().data_loss) + ipc::counter_value(server_->counters().data_loss);
}

std::string ShmTransport::data_loss_region() const {
  return client_->data_loss_region().empty() ? server_->data_loss_region() : client_->data_loss_region();
}

bool ShmTransport::has_work() const { return server_->has_work() || client_->has_work(); }

std::int64_t ShmTransport::next_timer_ns() const {
  const std::int64_t server = server_->next_timer_ns();
  const std::int64_t client = client_->next_timer_ns();
  if (server == 0 || client == 0) return std::max(server, client);
  return std::min(server, client);
}

}  // namespace pipescale::services
