#pragma once
// What a [[faults]] table acts on. A target names a process of the run ("client", "scheduler",
// "frontend<s>", "worker<s>.<i>", s counting stages from 0, i a stage's Workers from 0), any
// Worker of a stage ("stages.<name>.worker"), or, for drop_link, a link "<caller>-<callee>"
// (the runtime's topology.hpp lists them: "frontend0-worker0.1" carries SendBatch and SendOrder
// from frontend0 to worker0.1). The names are the runtime's; this file derives them from the
// config alone, so that the loader checks a target before anything runs and the live launcher
// and the simulator resolve it to the same process.
#include <cstddef>
#include <string>

#include "engine/config/config.hpp"

namespace pipescale::engine {

// Empty when `fault.target` suits `fault.action` in this pipeline; else what was expected
// ("a process such as worker1.0 or stages.<name>.worker; no worker3.9 in a pipeline of ...").
std::string fault_target_problem(const PipelineConfig& config, const FaultConfig& fault);

// The process (kill, stop, slow) or link (drop_link) that config.faults[index] acts on.
// "stages.<name>.worker" becomes one of that stage's first workers_min Workers (those the
// Frontend starts first and keeps on), chosen from run.seed and the fault's position: the same
// choice in a live run and in its simulation. The target must have passed fault_target_problem.
std::string resolve_fault_target(const PipelineConfig& config, std::size_t index);

}  // namespace pipescale::engine
