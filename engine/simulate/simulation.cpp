#include "engine/simulate/simulation.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/clock/clock.hpp"
#include "engine/runtime/role_assembly.hpp"
#include "engine/runtime/role_settings.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/simulate/sim_faults.hpp"
#include "roles/common/agent_step.hpp"

namespace pipescale::engine {
namespace {

// The virtual clock starts here rather than at 0, where "no time" and "no timer" live.
constexpr std::int64_t kOriginNs = 1'000'000'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;
// The launcher starts the run this long after every role is ready; so does the simulation.
constexpr std::int64_t kStartLeadNs = 50'000'000;
// Passes at one instant beyond which the roles are taken to be livelocked (each pass, some
// process keeps reporting work without time moving).
constexpr std::uint64_t kMaxPassesPerInstant = 1'000'000;

// One simulated process: its transport and its agent's step, behind a uniform face.
struct SimProcess {
  const ProcessSpec* spec = nullptr;
  SimTransport* transport = nullptr;
  std::function<std::size_t(const Clock&)> step;
  std::function<std::int64_t()> agent_timer;
  bool busy = false;     // its last step did work: it steps again before time moves, as run_agent would
  bool stopped = false;  // a stop fault is in force: it takes no step
  bool lost = false;     // killed or declared hung: it never steps again

  [[nodiscard]] std::int64_t next_event() const {
    return roles::earliest_timer(agent_timer(), transport->next_timer_ns());
  }
};

template <class Agent>
SimProcess make_process(const ProcessSpec& spec, SimTransport& transport, Agent& agent) {
  SimProcess process;
  process.spec = &spec;
  process.transport = &transport;
  process.step = [&agent, &transport](const Clock& clock) { return roles::agent_step(agent, transport, clock); };
  process.agent_timer = [&agent] { return agent.next_timer_ns(); };
  return process;
}

}  // namespace

struct Simulation::State {
  PipelineConfig config;
  SimulationOptions options;
  Topology topology;
  std::optional<LocalBoard> board;
  ManualClock clock{kOriginNs};

  // Role objects outlive the network: destroying a transport completes its pending calls
  // (kCancelled), and those completions reach the roles.
  std::vector<RoleParts> assembled;  // topology order, as assemble_role() builds them for a live run
  roles::Client* client = nullptr;
  std::vector<roles::Frontend*> frontends;  // [stage]
  std::vector<roles::Worker*> workers;      // topology order
  std::unique_ptr<SimNetwork> network;

  std::vector<SimProcess> processes;             // topology order
  std::map<std::string, PeerChannels> channels;  // [caller][callee]
  SimulationResult result;
  bool ran = false;
  std::optional<SimFaults> faults;
  SimFaultActions fault_actions;
  bool client_lost = false;

  ~State() { network.reset(); }

  Status build();
  // Assembles `process`'s role, serves it on `transport` and lines it up to step.
  Status add_role(const ProcessSpec& process, SimTransport& transport);
  // Steps every process that has something to do at the current instant until none has.
  Status settle();
  // The actions the fault schedule takes on the simulated processes (sim_faults.hpp).
  void wire_faults();
  SimProcess* find_process(const std::string& name);
  // Settles, then moves the clock event by event until done() holds after an instant; fails if
  // nothing is left to happen before that.
  template <class Done>
  Status run_until(Done&& done, const char* waiting_for, std::int64_t start_ns, std::int64_t duration_ns);
};

Status Simulation::State::build() {
  auto local = LocalBoard::create(topology, board_size(config));
  if (!local) return local.error();
  board.emplace(std::move(*local));
  network = std::make_unique<SimNetwork>(clock, options.hop_delay_ns);

  // One transport per process, listening under the process's own name; a channel per link.
  std::map<std::string, SimTransport*> transports;
  for (const ProcessSpec& process : topology.processes)
    transports[process.name] = &network->add_transport(process.name);
  for (const LinkSpec& link : topology.links) {
    auto channel = transports.at(link.caller)->connect(link.callee);
    if (!channel) return channel.error();
    channels[link.caller][link.callee] = *channel;
  }

  // The roles, by the live run's own assembly, served and lined up in topology order.
  frontends.assign(config.stages.size(), nullptr);
  for (const ProcessSpec& process : topology.processes) {
    if (auto added = add_role(process, *transports.at(process.name)); !added) return added;
  }
  return Ok{};
}

Status Simulation::State::add_role(const ProcessSpec& process, SimTransport& transport) {
  auto parts = assemble_role(config, topology, process, clock, channels[process.name], board->board());
  if (!parts) return parts.error();
  assembled.push_back(std::move(*parts));
  RoleParts& role = assembled.back();
  std::visit(
      [&](auto& parts_of_role) {
        processes.push_back(make_process(process, transport, *parts_of_role.agent));
        using Parts = std::decay_t<decltype(parts_of_role)>;
        if constexpr (std::is_same_v<Parts, ClientParts>) client = parts_of_role.agent.get();
        if constexpr (std::is_same_v<Parts, FrontendParts>) {
          frontends[static_cast<std::size_t>(process.stage)] = parts_of_role.agent.get();
        }
        if constexpr (std::is_same_v<Parts, WorkerParts>) workers.push_back(parts_of_role.agent.get());
      },
      role);
  if (auto served = transport.serve(dispatcher_of(role)); !served) return served.error();
  if (auto listening = transport.listen(process.name); !listening) return listening.error();
  board->board().header(process)->phase.set(static_cast<std::uint32_t>(RolePhase::kReady));
  return Ok{};
}

Status Simulation::State::settle() {
  for (std::uint64_t pass = 0;; ++pass) {
    if (pass == kMaxPassesPerInstant) {
      return Error{"the roles kept working at virtual time " +
                   std::to_string(static_cast<double>(clock.now_ns() - kOriginNs) / 1e9) +
                   " s without letting time move (" + std::to_string(kMaxPassesPerInstant) + " passes)"};
    }
    bool worked = false;
    const std::int64_t now = clock.now_ns();
    for (SimProcess& process : processes) {
      const std::int64_t timer = process.agent_timer();
      if (process.stopped || process.lost) continue;
      if (!process.busy && !process.transport->has_work() && (timer == 0 || timer > now)) continue;
      process.busy = process.step(clock) != 0;
      ++result.steps;
      worked = worked || process.busy;
    }
    if (!worked) return Ok{};
  }
}

template <class Done>
Status Simulation::State::run_until(Done&& done, const char* waiting_for, std::int64_t start_ns,
                                    std::int64_t duration_ns) {
  std::int64_t next_progress_ns = start_ns + kSecond;
  for (;;) {
    faults->apply_due(clock.now_ns(), fault_actions);
    if (auto settled = settle(); !settled) return settled;
    ++result.instants;
    const std::int64_t now = clock.now_ns();
    if (done(now)) return Ok{};
    // The next event: a process whose timer is due but that did nothing waits for a message,
    // as a live runner spinning on it would.
    std::int64_t next = faults->next_ns();
    for (const SimProcess& process : processes) {
      if (process.stopped || process.lost) continue;
      const std::int64_t event = process.next_event();
      if (event > now && (next == 0 || event < next)) next = event;
    }
    if (next == 0) {
      return Error{std::string("the simulation ran out of events at virtual time ") +
                   std::to_string(static_cast<double>(now - kOriginNs) / 1e9) + " s while waiting for " + waiting_for};
    }
    clock.set_ns(next);
    if (options.progress && start_ns != 0) {
      while (next >= next_progress_ns) {
        options.progress(static_cast<double>(next_progress_ns - start_ns) / 1e9,
                         static_cast<double>(duration_ns) / 1e9);
        next_progress_ns += kSecond;
      }
    }
  }
}

SimProcess* Simulation::State::find_process(const std::string& name) {
  for (SimProcess& process : processes) {
    if (process.spec->name == name) return &process;
  }
  return nullptr;
}

void Simulation::State::wire_faults() {
  fault_actions.lose = [this](const std::string& name) {
    SimProcess* process = find_process(name);
    if (process == nullptr || process->lost) return;
    process->lost = true;
    process->transport->go_down();
    board->board().header(*process->spec)->phase.set(static_cast<std::uint32_t>(RolePhase::kFailed));
    if (process->spec->role == RoleKind::kClient) client_lost = true;  // its death ends the run
  };
  fault_actions.stop = [this](const std::string& name, bool stopped) {
    if (SimProcess* process = find_process(name)) {
      process->stopped = stopped;
      process->busy = !stopped;  // continued: it looks at once, as a process woken by SIGCONT
    }
  };
  fault_actions.slow = [this](const std::string& name, std::uint32_t factor_milli) {
    if (const ProcessSpec* spec = topology.find(name)) {
      board->board().header(*spec)->model_time_factor_milli.set(factor_milli);
    }
  };
  fault_actions.drop_link = [this](const std::string& name, bool dropped) {
    for (const LinkSpec& link : topology.links) {
      if (link.name != name) continue;
      if (SimProcess* caller = find_process(link.caller)) caller->transport->set_link_dropped(link.callee, dropped);
    }
  };
}

Simulation::Simulation(std::unique_ptr<State> state) : state_(std::move(state)) {}
Simulation::~Simulation() = default;

Result<std::unique_ptr<Simulation>> Simulation::create(const PipelineConfig& config, const SimulationOptions& options) {
  auto state = std::make_unique<State>();
  state->config = config;
  state->options = options;
  state->topology = make_topology(config);
  state->faults.emplace(state->config, options.liveness_timeout_ns);
  if (auto built = state->build(); !built) return built.error();
  state->wire_faults();
  return std::unique_ptr<Simulation>(new Simulation(std::move(state)));
}

Result<SimulationResult> Simulation::run() {
  State& s = *state_;
  if (s.ran) return Error{"a simulation runs once"};
  s.ran = true;
  RunControl& control = *s.board->board().control;

  // Prepare: each Frontend starts its first Workers; the run starts once all are active.
  control.phase.set(static_cast<std::uint32_t>(RunPhase::kPrepare));
  for (roles::Frontend* frontend : s.frontends) frontend->prepare(s.clock.now_ns());
  auto all_ready = [&](std::int64_t /*now*/) {
    return std::all_of(s.frontends.begin(), s.frontends.end(),
                       [](const roles::Frontend* frontend) { return frontend->ready(); });
  };
  if (auto ready = s.run_until(all_ready, "the first Workers to become active", 0, 0); !ready) return ready.error();

  // Run: the Client replays the trace from start_ns; every request is accounted for, or the
  // drain times out.
  const std::int64_t start_ns = s.clock.now_ns() + kStartLeadNs;
  const auto duration_ns = static_cast<std::int64_t>(s.config.run.duration_s * 1e9);
  control.start_ns.set(start_ns);
  control.end_ns.set(start_ns + duration_ns);
  control.phase.set(static_cast<std::uint32_t>(RunPhase::kRun));
  roles::Client& client = *s.client;
  client.start(start_ns, start_ns + duration_ns);
  for (roles::Frontend* frontend : s.frontends) frontend->start(start_ns);
  s.faults->start(start_ns);
  auto finished = [&](std::int64_t now) { return s.client_lost || client.finished(now); };
  if (auto ran = s.run_until(finished, "the Client to account for every request", start_ns, duration_ns); !ran) {
    return ran.error();
  }

  // Stop: what every role does when the launcher sets shutdown.
  const std::int64_t end = s.clock.now_ns();
  s.faults->finish(end, s.fault_actions);
  client.finish(end);
  control.phase.set(static_cast<std::uint32_t>(RunPhase::kStop));
  control.shutdown.set(1);
  for (std::size_t f = 0; f < s.frontends.size(); ++f) {
    const SimProcess* process = s.find_process(frontend_name(static_cast<int>(f)));
    if (process == nullptr || !process->lost) s.frontends[f]->shutdown(end);
  }
  if (auto settled = s.settle(); !settled) return settled.error();
  for (roles::Worker* worker : s.workers) worker->publish(end);
  for (const SimProcess& process : s.processes) {
    if (!process.lost) s.board->board().header(*process.spec)->phase.set(static_cast<std::uint32_t>(RolePhase::kDone));
  }

  s.result.elapsed_ns = end - start_ns;
  s.result.network = s.network->counters();
  return s.result;
}

const std::vector<FaultRecord>& Simulation::fault_records() const { return state_->faults->records(); }
const Board& Simulation::board() const { return state_->board->board(); }
const Topology& Simulation::topology() const { return state_->topology; }

}  // namespace pipescale::engine
