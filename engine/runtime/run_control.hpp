#pragma once
// How the launcher and the role processes of a run follow each other: the run's control word,
// which the launcher writes and every role reads, and each role process's header (its phase, pid
// and heartbeat), which the process writes and the launcher reads. The roles never see these:
// they are the runtime's business, placed in the run's segment beside the roles' statistics
// (board.hpp). The simulator follows the same phases in one process.
#include <cstdint>

#include "roles/common/role_stats.hpp"

namespace pipescale::engine {

using roles::Counter;
using roles::Gauge;
using roles::SharedValue;

// A role process's life, as the launcher follows it.
enum class RolePhase : std::uint32_t {
  kStarting = 0,
  kListening = 1,  // its links are open and it serves: peers may call it
  kReady = 2,      // ready for traffic (a Frontend: its first Workers are active)
  kDone = 3,       // finished and published its last figures
  kFailed = 4,     // gave up; its log says why
};

struct RoleHeader {
  SharedValue<std::uint32_t> phase;
  SharedValue<std::int32_t> pid;
  Gauge heartbeat_ns;  // the last agent step's clock reading
  // Written by the launcher's fault injector (faults.hpp), read by a Worker once per batch: its
  // model time's factor in thousandths; 0 or 1000 while no slow fault is in force.
  SharedValue<std::uint32_t> model_time_factor_milli;
  Counter data_loss;  // connections this process closed on a corrupt ring (DATA_LOSS)
};

// The run's control word, written by the launcher, read by every role.
enum class RunPhase : std::uint32_t {
  kSetup = 0,    // roles connect their links, then serve and listen
  kPrepare = 1,  // every role listens: Frontends start their first Workers
  kRun = 2,      // every role is ready: the Client sends from start_ns on
  kStop = 3,     // stop early (Ctrl-C, a failed role): the Client stops sending and drains
};
// The last phase: a larger word read from shared memory is corruption, and a role takes it as kStop.
inline constexpr std::uint32_t kLastRunPhase = static_cast<std::uint32_t>(RunPhase::kStop);

struct RunControl {
  SharedValue<std::uint32_t> phase;
  Gauge start_ns;                       // written before kRun: the time the trace's t = 0 maps to
  Gauge end_ns;                         // written before kRun: the Client sends nothing at or after it
  SharedValue<std::uint32_t> shutdown;  // 1: the Client is done; every other role exits
};

static_assert(std::is_standard_layout_v<RoleHeader> && std::is_standard_layout_v<RunControl>);

}  // namespace pipescale::engine
