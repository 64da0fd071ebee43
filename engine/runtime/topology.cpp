#include "engine/runtime/topology.hpp"

#include <algorithm>
#include <bit>

namespace pipescale::engine {
namespace {

constexpr std::uint64_t kMinRingBytes = std::uint64_t{64} * 1024;
constexpr std::uint64_t kDataRingBytes = std::uint64_t{512} * 1024;  // bursts of single requests

// A ring takes records up to an eighth of its size (ipc's default): room for 8 of the largest.
std::uint64_t ring_for(std::uint64_t largest_message) {
  return std::bit_ceil(std::max(kMinRingBytes, 8 * (largest_message + 256)));
}

}  // namespace

std::string_view role_name(RoleKind role) {
  switch (role) {
    case RoleKind::kClient: return "client";
    case RoleKind::kFrontend: return "frontend";
    case RoleKind::kWorker: return "worker";
    case RoleKind::kScheduler: return "scheduler";
  }
  return "?";
}

std::string client_name() { return "client"; }
std::string scheduler_name() { return "scheduler"; }
std::string frontend_name(int stage) { return "frontend" + std::to_string(stage); }
std::string worker_name(int stage, int index) { return "worker" + std::to_string(stage) + "." + std::to_string(index); }
std::string link_name(const std::string& caller, const std::string& callee) { return caller + "-" + callee; }

std::uint64_t request_wire_bytes(int stages) {
  // Table fields and vtable (~160 bytes with padding), plus 48 bytes per StageVisit.
  return 192 + 48 * static_cast<std::uint64_t>(std::max(stages, 1));
}

const ProcessSpec* Topology::find(const std::string& name) const {
  for (const ProcessSpec& process : processes) {
    if (process.name == name) return &process;
  }
  return nullptr;
}

std::vector<const LinkSpec*> Topology::calls_of(const std::string& process) const {
  std::vector<const LinkSpec*> out;
  for (const LinkSpec& link : links) {
    if (link.caller == process) out.push_back(&link);
  }
  return out;
}

std::vector<const LinkSpec*> Topology::served_by(const std::string& process) const {
  std::vector<const LinkSpec*> out;
  for (const LinkSpec& link : links) {
    if (link.callee == process) out.push_back(&link);
  }
  return out;
}

int Topology::stage_count() const {
  int stages = 0;
  for (const ProcessSpec& process : processes) stages = std::max(stages, process.stage + 1);
  return stages;
}

Topology make_topology(const PipelineConfig& config) {
  Topology topology;
  const int stages = static_cast<int>(config.stages.size());
  const std::uint64_t request = request_wire_bytes(stages);
  const std::uint64_t small = ring_for(1024);
  auto link = [&](const std::string& caller, const std::string& callee, std::uint64_t request_ring,
                  std::uint64_t response_ring) {
    topology.links.push_back({link_name(caller, callee), caller, callee, request_ring, response_ring});
  };

  topology.processes.push_back({client_name(), RoleKind::kClient, -1, -1, 0});
  topology.processes.push_back({scheduler_name(), RoleKind::kScheduler, -1, -1, 0});
  std::uint64_t next_worker_id = 1;
  for (int s = 0; s < stages; ++s) {
    const StageConfig& stage = config.stages[static_cast<std::size_t>(s)];
    topology.processes.push_back({frontend_name(s), RoleKind::kFrontend, s, -1, 0});
    for (int i = 0; i < stage.workers_max; ++i) {
      topology.processes.push_back({worker_name(s, i), RoleKind::kWorker, s, i, next_worker_id++});
    }
  }

  link(client_name(), frontend_name(0), kDataRingBytes, small);
  for (int s = 0; s < stages; ++s) {
    const StageConfig& stage = config.stages[static_cast<std::size_t>(s)];
    const std::string frontend = frontend_name(s);
    const std::uint64_t batch_bytes = 256 + static_cast<std::uint64_t>(stage.max_batch) * (request + 16);
    for (int i = 0; i < stage.workers_max; ++i) {
      const std::string worker = worker_name(s, i);
      link(frontend, worker, ring_for(batch_bytes), small);
      link(worker, frontend, small, small);
      const std::string next = s + 1 < stages ? frontend_name(s + 1) : client_name();
      link(worker, next, kDataRingBytes, kDataRingBytes / 2);
      if (s + 1 < stages) link(worker, client_name(), kDataRingBytes / 2, small);
    }
    link(frontend, client_name(), kDataRingBytes, small);
    link(frontend, scheduler_name(), small, small);
    link(scheduler_name(), frontend, small, small);
  }
  return topology;
}

}  // namespace pipescale::engine
