#pragma once
// The one place where a role is wired: from the config, the topology, a clock, the channels to
// its peers and its statistics block, assemble_role() builds the role's stubs, its agent and the
// dispatcher that serves its rpc_service. The live role process (role_process.cpp) and the
// simulator twin (engine/simulate/simulation.cpp) both call it, so a simulated pipeline is wired
// exactly as a live one and the two cannot drift apart.
//
// What differs between them stays outside: which transport the channels come from, how the
// process waits between steps, and how it follows the run's phases.
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/clock/clock.hpp"
#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/rpc/channel.hpp"
#include "roles/client/client.hpp"
#include "roles/frontend/frontend.hpp"
#include "roles/scheduler/scheduler.hpp"
#include "roles/worker/worker.hpp"
#include "services/handlers.hpp"
#include "services/stubs.hpp"

namespace pipescale::engine {

// A process's channels, by the name of the process at the other end.
using PeerChannels = std::map<std::string, ipc::Channel*>;

// Each role's parts. Members are declared in construction order, so they are destroyed in reverse:
// the dispatcher before the agent it calls, the agent before the stubs it holds.
struct ClientParts {
  std::unique_ptr<services::FrontendStub> first_stage;
  std::unique_ptr<roles::Client> agent;
  std::unique_ptr<services::ClientDispatcher> dispatcher;
};

struct FrontendParts {
  std::vector<std::unique_ptr<services::WorkerStub>> workers;
  std::unique_ptr<services::ClientStub> client;
  std::unique_ptr<services::SchedulerStub> scheduler;
  std::unique_ptr<roles::Frontend> agent;
  std::unique_ptr<services::FrontendDispatcher> dispatcher;
};

struct WorkerParts {
  std::unique_ptr<services::FrontendStub> frontend;
  std::unique_ptr<services::FrontendStub> next_stage;  // null after the last stage
  std::unique_ptr<services::ClientStub> client;
  std::unique_ptr<roles::Worker> agent;
  std::unique_ptr<services::WorkerDispatcher> dispatcher;
};

struct SchedulerParts {
  std::vector<std::unique_ptr<services::FrontendStub>> frontends;
  std::unique_ptr<roles::Scheduler> agent;
  std::unique_ptr<services::SchedulerDispatcher> dispatcher;
};

using RoleParts = std::variant<ClientParts, FrontendParts, WorkerParts, SchedulerParts>;

// Builds `process`'s role. `peers` must hold a channel to every process it calls (the topology's
// links from it); the statistics block comes from `board`. Fails with a message naming what was
// missing or wrong (a profile that does not load, a peer without a channel).
Result<RoleParts> assemble_role(const PipelineConfig& config, const Topology& topology, const ProcessSpec& process,
                                const Clock& clock, const PeerChannels& peers, const Board& board);

// The dispatcher of an assembled role, whichever it is.
services::Dispatcher& dispatcher_of(RoleParts& parts);

}  // namespace pipescale::engine
