#pragma once
// The shared memory of a run: one segment holding every process's doorbell, every link's rings
// (over shared memory; over gRPC the links are sockets) and the statistics board. Created by the
// launcher (and by benchmarks that host several roles in one process), then published.
#include <cstdint>

#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/placement_plan.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::engine {

struct RunSegment {
  ipc::Segment segment;
  Board board;
};

// `size`: the board's time series and tables (run_settings.hpp, board_size). With a plan, each doorbell and
// each ring records the NUMA node of the process that reads it (bind_rings binds them).
Result<RunSegment> create_run_segment(const PipelineConfig& config, const Topology& topology, const BoardSize& size,
                                      const PlacementPlan* plan = nullptr);

// Binds every ring of the plan to its consumer's node; the result of each, in plan order.
std::vector<AreaBinding> bind_rings(const ipc::Segment& segment, const PlacementPlan& plan);

}  // namespace pipescale::engine
