#include "engine/runtime/role_process.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

#include "base/clock/clock.hpp"
#include "engine/config/config_loader.hpp"
#include "engine/placement/affinity.hpp"
#include "engine/placement/memory_binding.hpp"
#include "engine/runtime/agent_runner.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/role_assembly.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/rpc/connection.hpp"
#include "services/make_transport.hpp"

namespace pipescale::engine {
namespace {

struct Context {
  const RoleOptions* options = nullptr;
  PipelineConfig config;
  Topology topology;
  const ProcessSpec* me = nullptr;
  std::optional<ipc::Segment> segment;
  Board board;
  RoleHeader* header = nullptr;
  std::unique_ptr<services::Transport> transport;
  PeerChannels channels;  // by callee
  MonotonicClock clock;
  std::uint64_t data_losses = 0;  // reported so far (note_data_loss)
  std::int64_t next_loss_check_ns = 0;
};

// Off the hot path (at most every 100 ms, and at the end): publishes the count of connections the
// transport closed on a corrupt ring, and names the first ring once on stderr (the role's log).
void note_data_loss(Context& context) {
  const std::uint64_t losses = context.transport->data_losses();
  if (losses == context.data_losses) return;
  if (context.data_losses == 0) {
    std::fprintf(stderr,
                 "pipescale role %s: DATA_LOSS: ring '%s' of segment '%s' is corrupt; its connection is closed "
                 "and the calls on it fail\n",
                 context.options->process.c_str(), context.transport->data_loss_region().c_str(),
                 context.options->segment.c_str());
    std::fflush(stderr);
  }
  context.data_losses = losses;
  context.header->data_loss.set(losses);
}

int give_up(Context& context, const std::string& message) {
  std::fprintf(stderr, "pipescale role %s: %s\n", context.options->process.c_str(), message.c_str());
  std::fflush(stderr);
  if (context.header != nullptr) context.header->phase.set(static_cast<std::uint32_t>(RolePhase::kFailed));
  return 1;
}

// Serves `dispatcher` on every link this process is the callee of.
Status serve_and_listen(Context& context, services::Dispatcher& dispatcher) {
  if (auto served = context.transport->serve(dispatcher); !served) return served.error();
  if (context.config.run.transport == Transport::kShm) {
    for (const LinkSpec* link : context.topology.served_by(context.me->name)) {
      if (auto listening = context.transport->listen(link->name); !listening) return listening.error();
    }
  } else {
    auto listening = context.transport->listen(grpc_address(context.options->socket_dir, context.me->name));
    if (!listening) return listening.error();
  }
  context.header->phase.set(static_cast<std::uint32_t>(RolePhase::kListening));
  return Ok{};
}

// The loop every role runs after it listens: agent steps until `hooks` says done, with the
// launcher's phase changes handed to hooks.on_phase between runs of steps.
template <class Role, class Hooks>
void follow_phases(Context& context, Role& role, Hooks& hooks) {
  const RunControl& control = *context.board.control;
  std::uint32_t seen_phase = static_cast<std::uint32_t>(RunPhase::kSetup);
  TimerLead lead =
      std::is_same_v<Role, roles::Worker> ? TimerLead(kMinTimerLeadNs, kMaxTimerLeadNs) : TimerLead::fixed(0);
  for (;;) {
    // A word past the last phase is corruption, never believed: it stops this role as kStop would.
    const std::uint32_t phase = std::min(control.phase.get(), kLastRunPhase);
    const std::int64_t now = context.clock.now_ns();
    // Phases only move forward; a role that starts late still takes each step in order.
    while (seen_phase < phase) hooks.on_phase(static_cast<RunPhase>(++seen_phase), now);
    if (hooks.done(now, control.shutdown.get() != 0)) return;
    run_agent(role, *context.transport, context.clock, context.options->wait, lead, [&] {
      const std::int64_t t = context.clock.now_ns();
      context.header->heartbeat_ns.set(t);
      if (t >= context.next_loss_check_ns) {
        context.next_loss_check_ns = t + 100'000'000;
        note_data_loss(context);
      }
      return control.phase.get() != seen_phase || hooks.attention(t) || control.shutdown.get() != 0;
    });
  }
}

void set_phase(Context& context, RolePhase phase) { context.header->phase.set(static_cast<std::uint32_t>(phase)); }

// The transport goes first: destroying it ends pending calls (kCancelled), whose completions
// still reach the role object, which the caller destroys afterwards.
int finish_role(Context& context) {
  note_data_loss(context);
  context.channels.clear();
  context.transport.reset();
  set_phase(context, RolePhase::kDone);
  return 0;
}

// What each role does at the launcher's phase changes, and when it is done. Hooks::on_phase gets
// each phase in order; attention() ends a run of agent steps early; done() ends the role.
struct ClientHooks {
  Context* context;
  roles::Client* client;
  void on_phase(RunPhase phase, std::int64_t now) {
    if (phase == RunPhase::kRun) {
      client->start(context->board.control->start_ns.get(), context->board.control->end_ns.get());
    } else if (phase == RunPhase::kStop) {
      client->stop_sending(now);
    }
  }
  bool attention(std::int64_t now) const { return client->finished(now); }
  bool done(std::int64_t now, bool shutdown) {
    if (client->finished(now) || shutdown) {
      client->finish(now);
      return true;
    }
    return false;
  }
};

struct FrontendHooks {
  Context* context;
  roles::Frontend* frontend;
  bool reported_ready = false;
  void on_phase(RunPhase phase, std::int64_t now) {
    if (phase == RunPhase::kPrepare) frontend->prepare(now);
    if (phase == RunPhase::kRun) frontend->start(context->board.control->start_ns.get());
  }
  bool attention(std::int64_t /*now*/) const { return !reported_ready && frontend->ready(); }
  bool done(std::int64_t now, bool shutdown) {
    if (!reported_ready && frontend->ready() &&
        context->board.control->phase.get() >= static_cast<std::uint32_t>(RunPhase::kPrepare)) {
      reported_ready = true;
      set_phase(*context, RolePhase::kReady);
    }
    if (shutdown) frontend->shutdown(now);
    return shutdown;
  }
};

struct WorkerHooks {
  roles::Worker* worker;
  bool replacement = false;
  void on_phase(RunPhase phase, std::int64_t now) {
    if (phase == RunPhase::kRun && replacement) worker->announce(now);
  }
  bool attention(std::int64_t /*now*/) const { return false; }
  bool done(std::int64_t now, bool shutdown) {
    if (shutdown) worker->publish(now);
    return shutdown;
  }
};

struct SchedulerHooks {
  void on_phase(RunPhase /*phase*/, std::int64_t /*now*/) {}
  bool attention(std::int64_t /*now*/) const { return false; }
  bool done(std::int64_t /*now*/, bool shutdown) { return shutdown; }
};

// Follows the run's phases with the role's own hooks. A Frontend reports ready itself, once its
// first Workers are active; every other role is ready as soon as it listens.
void follow_role(Context& context, RoleParts& parts) {
  std::visit(
      [&context](auto& role) {
        using Parts = std::decay_t<decltype(role)>;
        if constexpr (std::is_same_v<Parts, ClientParts>) {
          set_phase(context, RolePhase::kReady);
          ClientHooks hooks{&context, role.agent.get()};
          follow_phases(context, *role.agent, hooks);
        } else if constexpr (std::is_same_v<Parts, FrontendParts>) {
          if (context.options->replacement) {
            const roles::FrontendStats& last = *context.board.frontends[static_cast<std::size_t>(context.me->stage)];
            role.agent->resume(static_cast<int>(last.batch_size.get()), static_cast<int>(last.target_workers.get()));
          }
          FrontendHooks hooks{&context, role.agent.get()};
          follow_phases(context, *role.agent, hooks);
        } else if constexpr (std::is_same_v<Parts, WorkerParts>) {
          set_phase(context, RolePhase::kReady);
          WorkerHooks hooks{role.agent.get(), context.options->replacement};
          follow_phases(context, *role.agent, hooks);
        } else {
          set_phase(context, RolePhase::kReady);
          SchedulerHooks hooks;
          follow_phases(context, *role.agent, hooks);
        }
      },
      parts);
}

// Assembles this process's role (role_assembly.hpp, as the simulator does), serves it, and runs it
// until the launcher's shutdown.
int run_assembled_role(Context& context) {
  auto parts =
      assemble_role(context.config, context.topology, *context.me, context.clock, context.channels, context.board);
  if (!parts) return give_up(context, parts.error().message);
  if (auto listening = serve_and_listen(context, dispatcher_of(*parts)); !listening) {
    return give_up(context, listening.error().message);
  }
  follow_role(context, *parts);
  return finish_role(context);
}

}  // namespace

std::string grpc_address(const std::filesystem::path& socket_dir, const std::string& process) {
  return "unix:" + (socket_dir / (process + ".sock")).string();
}

int run_role(const RoleOptions& options) {
  Context context;
  context.options = &options;
  if (!options.cpus.empty()) {
    if (auto bound = bind_process_to_pus(options.cpus); !bound) return give_up(context, bound.error().message);
    // Not fatal: where the kernel cannot bind memory (one node, or a container that forbids
    // mbind), first touch on the bound PUs places it near them anyway.
    if (auto memory = bind_process_memory_near_cpus(); !memory) {
      std::fprintf(stderr, "%s: %s\n", options.process.c_str(), memory.error().message.c_str());
    }
  }
  auto config = load_config(options.config);
  if (!config) return give_up(context, config.error().message);
  context.config = std::move(*config);
  context.topology = make_topology(context.config);
  context.me = context.topology.find(options.process);
  if (context.me == nullptr) return give_up(context, "no process named '" + options.process + "' in this pipeline");

  auto segment = ipc::Segment::open(options.segment);
  if (!segment) return give_up(context, segment.error().message);
  context.segment.emplace(std::move(*segment));
  auto board = find_board(*context.segment, context.topology);
  if (!board) return give_up(context, board.error().message);
  context.board = std::move(*board);
  context.header = context.board.header(*context.me);
  context.header->pid.set(static_cast<std::int32_t>(::getpid()));

  auto transport = services::make_transport(transport_config(context.config, *context.segment, options.process));
  if (!transport) return give_up(context, transport.error().message);
  context.transport = std::move(*transport);
  for (const LinkSpec* link : context.topology.calls_of(options.process)) {
    const std::string endpoint =
        context.config.run.transport == Transport::kShm ? link->name : grpc_address(options.socket_dir, link->callee);
    auto channel = context.transport->connect(endpoint);
    if (!channel) return give_up(context, channel.error().message);
    context.channels[link->callee] = *channel;
  }

  const int status = run_assembled_role(context);
  context.channels.clear();
  context.transport.reset();
  return status;
}

}  // namespace pipescale::engine
