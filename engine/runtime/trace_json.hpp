#pragma once
// trace.json: the run as a timeline in the Chrome Trace Event format, which the Perfetto UI
// (ui.perfetto.dev) and chrome://tracing open. Written once every role has exited, from the
// bounded tables the roles filled (roles/common/record_table.hpp) and the request log:
//
//   pid 0 "scheduler"          one instant event per BatchSize decision
//   pid 1 + s "stage <name>"   one thread per Worker (tid = its worker id): each batch as a complete
//                              event (stage, size, trigger), its warm-up and drain spans; and the
//                              Frontend's counters: queue length, batch size, active Workers
//   pid 1000 "requests"        the sampled requests (run.trace_sample), one thread each: queueing,
//                              dispatch and execution per stage, and a flow through the batches
//                              that carried it
//
// Times are microseconds since the run's t = 0. engine/runtime/README.md gives the size bound.
#include <cstdint>
#include <filesystem>

#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/topology.hpp"

namespace pipescale::engine {

struct TraceCounts {
  std::uint64_t batches = 0;   // complete events of batches
  std::uint64_t requests = 0;  // requests drawn
  std::uint64_t events = 0;    // every event, metadata included
  std::uint64_t not_kept = 0;  // records the roles' full tables could not keep
};

struct TraceInput {
  const PipelineConfig* config = nullptr;
  const Topology* topology = nullptr;
  const Board* board = nullptr;
  std::int64_t start_ns = 0;
};

// The whole file's text.
[[nodiscard]] std::string trace_json(const TraceInput& input, TraceCounts& counts);
Result<TraceCounts> write_trace_json(const std::filesystem::path& path, const TraceInput& input);

}  // namespace pipescale::engine
