#pragma once
// Settings the launcher and the role processes derive alike from the config.
#include <algorithm>
#include <cstdint>
#include <string>

#include "engine/config/config.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/segment/segment.hpp"
#include "roles/client/trace/arrival_process.hpp"
#include "services/make_transport.hpp"

namespace pipescale::engine {

inline roles::ArrivalKind to_arrival_kind(Arrival arrival) {
  switch (arrival) {
    case Arrival::kPoisson: return roles::ArrivalKind::kPoisson;
    case Arrival::kUniform: return roles::ArrivalKind::kUniform;
    case Arrival::kGamma: return roles::ArrivalKind::kGamma;
  }
  return roles::ArrivalKind::kPoisson;
}

inline std::int64_t slo_ns(const PipelineConfig& config) { return static_cast<std::int64_t>(config.run.slo_ms * 1e6); }

// How long the Client waits for its outstanding requests after its last send: every one has met
// or missed its deadline by then (the Frontends drop what cannot make it), with room to spare.
inline std::int64_t drain_timeout_ns(const PipelineConfig& config) {
  return std::max<std::int64_t>(2'000'000'000, 3 * slo_ns(config));
}

// Rows of each per-second time series: the run, the drain, and a margin.
inline std::uint32_t time_series_rows(const PipelineConfig& config) {
  return static_cast<std::uint32_t>(config.run.duration_s) +
         static_cast<std::uint32_t>(drain_timeout_ns(config) / 1'000'000'000) + 8;
}

// A role process's transport. Calls in flight per link: room for a whole batch forwarded at once.
inline services::TransportConfig transport_config(const PipelineConfig& config, const ipc::Segment& segment,
                                                  const std::string& process) {
  services::TransportConfig transport;
  transport.shm.segment = &segment;
  transport.shm.process = process;
  transport.shm.client.window = 1024;
  transport.shm.client.max_connections = 4096;
  transport.shm.server.max_connections = 4096;
  if (config.run.transport == Transport::kGrpc) {
    transport.kind = services::TransportKind::kGrpc;
    // The process's doorbell in the segment: the launcher rings it on every phase change.
    auto bell = ipc::find_process_doorbell(segment, process);
    if (bell) transport.grpc.doorbell = *bell;
    transport.grpc.channel.window = 1024;
    transport.grpc.server.max_calls = 4096;
  }
  return transport;
}

}  // namespace pipescale::engine
