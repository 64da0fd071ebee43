#include "engine/runtime/run_segment.hpp"

#include "ipc/rpc/connection.hpp"

namespace pipescale::engine {

Result<RunSegment> create_run_segment(const PipelineConfig& config, const Topology& topology, const BoardSize& size,
                                      const PlacementPlan* plan) {
  auto node_of = [plan](const std::string& process) { return plan == nullptr ? -1 : plan->node_of(process); };
  constexpr std::uint64_t kPage = 4096;
  std::uint64_t arena = board_bytes(topology, size) + (std::uint64_t{1} << 20);
  std::uint32_t regions = 1;
  for (const LinkSpec& link : topology.links) {
    arena += link.request_ring_bytes + link.response_ring_bytes + 6 * kPage;
    regions += 3;
  }
  arena += topology.processes.size() * 3 * kPage;
  regions += 3 * static_cast<std::uint32_t>(topology.processes.size()) + 1;
  const std::string run_id = ipc::make_run_id();
  auto segment = ipc::Segment::create(
      {.name = ipc::segment_name(run_id), .run_id = run_id, .arena_bytes = arena, .directory_capacity = regions + 16});
  if (!segment) return segment.error();
  for (const ProcessSpec& process : topology.processes) {
    if (auto bell = ipc::create_doorbell(*segment, process.name, node_of(process.name)); !bell) return bell.error();
  }
  if (config.run.transport == Transport::kShm) {
    for (const LinkSpec& link : topology.links) {
      ipc::ConnectionSpec spec;
      spec.name = link.name;
      spec.client_process = link.caller;
      spec.server_process = link.callee;
      spec.request_ring_bytes = link.request_ring_bytes;
      spec.response_ring_bytes = link.response_ring_bytes;
      spec.server_numa_node = node_of(link.callee);
      spec.client_numa_node = node_of(link.caller);
      if (auto created = ipc::create_connection(*segment, spec); !created) return created.error();
    }
  }
  auto board = create_board(*segment, topology, size);
  if (!board) return board.error();
  segment->publish();
  return RunSegment{std::move(*segment), std::move(*board)};
}

std::vector<AreaBinding> bind_rings(const ipc::Segment& segment, const PlacementPlan& plan) {
  std::vector<AreaBinding> bindings;
  for (const RingPlacement& ring : plan.rings) {
    auto region = segment.find(ring.region, ipc::RegionKind::kRing);
    if (!region) {
      bindings.push_back({false, region.error().message, "", false});
      continue;
    }
    bindings.push_back(bind_area_to_node(region->address, region->bytes, ring.numa_node));
  }
  return bindings;
}

}  // namespace pipescale::engine
