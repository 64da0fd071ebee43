#pragma once
// The simulator twin of a run: every role of the pipeline (the Client, each stage's Frontend and
// Workers, the Scheduler) built from the config exactly as `pipescale run` builds them, with the
// very same assembly (engine/runtime/role_assembly.hpp: stubs, agents, dispatchers), but all in this process, on a
// virtual clock (ManualClock), talking over a SimNetwork (sim_transport.hpp).
//
// Discrete events: time stands still while anything can happen at the current instant; every
// process whose inbox holds a delivered message, whose timer is due, or whose last step did work
// takes a step (roles::agent_step, the live runner's own step: poll the transport, then the
// agent's do_work), in topology order, pass after pass, until none does; then the clock jumps to
// the earliest next event (a delivery, a call deadline or an agent's timer). Nothing depends on
// the host's speed, threads or scheduler: the same config gives the same results, to the byte.
//
// The phases are the launcher's: the Frontends start their first Workers and the run begins
// 50 ms after they are all active; the Client replays the trace; when it has accounted for every
// request (or its drain timed out), the Frontends shut down and the figures are published to the
// statistics board, which the results folder is written from as for a live run.
#include <cstdint>
#include <functional>
#include <memory>

#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/faults.hpp"
#include "engine/runtime/topology.hpp"
#include "engine/simulate/sim_transport.hpp"

namespace pipescale::engine {

struct SimulationOptions {
  // Virtual time each message takes from send to delivery (the config's simulate.hop_delay_us by
  // default, see simulate_command.cpp).
  std::int64_t hop_delay_ns = 0;
  // Called as virtual time passes each whole second of the run: (seconds into the run, duration).
  std::function<void(double, double)> progress;
  // How long a stopped process may be silent before it is declared hung and lost (a stop fault
  // that lasts longer, README.md "Faults"); 0: never.
  std::int64_t liveness_timeout_ns = 0;
};

struct SimulationResult {
  std::int64_t elapsed_ns = 0;  // virtual: from the run's start to the end of the drain
  std::uint64_t instants = 0;   // distinct virtual times at which something happened
  std::uint64_t steps = 0;      // agent steps taken, over all processes
  SimNetworkCounters network;
};

class Simulation {
 public:
  // Builds every role; fails (naming the cause) on a config the roles refuse.
  static Result<std::unique_ptr<Simulation>> create(const PipelineConfig& config, const SimulationOptions& options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs the whole experiment; once.
  Result<SimulationResult> run();

  [[nodiscard]] const Board& board() const;
  // One per config.faults entry: what was applied when, and what followed.
  [[nodiscard]] const std::vector<FaultRecord>& fault_records() const;
  [[nodiscard]] const Topology& topology() const;

 private:
  struct State;
  explicit Simulation(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pipescale::engine
