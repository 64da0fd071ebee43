// Liveness and recovery (live_run.hpp, README.md "Supervision"): the heartbeats read, a hung role
// killed, and a lost role replaced or the run stopped, by run.on_role_failure.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/runtime/live_run.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/rpc/connection.hpp"

namespace pipescale::engine {
namespace {

constexpr std::int64_t kMs = 1'000'000;
// A process replaced this often is not replaced again: something kills it each time.
constexpr int kMaxReplacements = 3;

}  // namespace

std::int64_t silence_ns(std::int64_t heartbeat_ns, std::int64_t spawned_ns, std::int64_t now_ns) {
  // Untrusted: a stamp from before the process started, or from the future, is no stamp at all.
  const bool believable = heartbeat_ns >= spawned_ns && heartbeat_ns <= now_ns;
  return now_ns - (believable ? heartbeat_ns : spawned_ns);
}

bool is_hung(std::int64_t heartbeat_ns, std::int64_t spawned_ns, std::int64_t now_ns, std::int64_t timeout_ns) {
  return silence_ns(heartbeat_ns, spawned_ns, now_ns) > timeout_ns;
}

// From the run phase on, a role that is listening and not done must stamp its heartbeat within the
// timeout; one that does not, and still has not a quarter of a timeout later, is killed here and
// reaped as lost. On a box with more runnable processes than cores, the launcher too waits for a
// core: a round in which it was itself held up for half a timeout judges nobody, since whatever
// held it up held the roles up too.
void LiveRun::check_liveness() {
  const auto timeout_ns = static_cast<std::int64_t>(config_.run.liveness_timeout_ms * 1e6);
  const std::int64_t round_ns = ipc::monotonic_ns();
  const bool on_time = last_liveness_check_ns_ != 0 && round_ns - last_liveness_check_ns_ <= timeout_ns / 2;
  last_liveness_check_ns_ = round_ns;
  if (!on_time) {
    for (Child& child : children_) child.suspect_since_ns = 0;
    return;
  }
  for (Child& child : children_) {
    if (!child.running) continue;
    const RoleHeader& header = *board_.header(*child.process);
    const std::uint32_t phase = header.phase.get();
    if (phase < static_cast<std::uint32_t>(RolePhase::kListening) ||
        phase >= static_cast<std::uint32_t>(RolePhase::kDone)) {
      continue;
    }
    // A role's set-up (before it listens) may take longer than a timeout on a busy box: its
    // silence counts from when the launcher first saw it listening, if it has not stamped since.
    if (child.listening_seen_ns == 0) child.listening_seen_ns = round_ns;
    const std::int64_t heartbeat = header.heartbeat_ns.get();
    // The clock read after the stamp: a role that stamps meanwhile is not "in the future".
    const std::int64_t now = ipc::monotonic_ns();
    const std::int64_t silent = std::min(silence_ns(heartbeat, child.spawned_ns, now), now - child.listening_seen_ns);
    if (now - round_ns > timeout_ns / 4) return;  // held up within the round: judge nobody more
    if (silent <= timeout_ns) {
      child.suspect_since_ns = 0;
      continue;
    }
    if (child.suspect_since_ns == 0) child.suspect_since_ns = now;
    if (now - child.suspect_since_ns < timeout_ns / 4) continue;
    ::kill(child.pid, SIGKILL);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    child.running = false;
    child.wait_status = status;
    lose(child, "hung: no heartbeat for " + std::to_string(silent / kMs) + " ms; killed");
  }
}

// A role is lost (dead, or hung and killed): named, then replaced or the run stopped.
void LiveRun::lose(Child& child, const std::string& how) {
  note_failure(child, how);
  const bool client = child.process->role == RoleKind::kClient;
  if (client) client_lost_ = true;
  const bool replaceable = !client && !stopping_ && config_.run.on_role_failure == OnRoleFailure::kReplace &&
                           config_.run.transport == Transport::kShm && child.losses < kMaxReplacements &&
                           board_.control->phase.get() == static_cast<std::uint32_t>(RunPhase::kRun);
  ++child.losses;
  if (replaceable && replace(child, how)) {
    ++recovered_;
    return;
  }
  // The run cannot go on as configured: the Client stops sending and accounts for what it has.
  if (!stopping_) {
    stopping_ = true;
    set_run_phase(RunPhase::kStop);
  }
  if (client) board_.control->shutdown.set(1);
}

// Fences off the lost process's connections, then starts its successor with the same arguments.
bool LiveRun::replace(Child& child, const std::string& how) {
  for (const LinkSpec* link : topology_.served_by(child.process->name)) {
    if (auto connection = ipc::find_connection(*segment_, link->name)) ipc::fence_connection(*connection->control);
  }
  RoleHeader& header = *board_.header(*child.process);
  header.phase.set(static_cast<std::uint32_t>(RolePhase::kStarting));
  header.heartbeat_ns.set(0);
  const ProcessPlacement* placement = nullptr;
  for (const ProcessPlacement& candidate : plan_.processes) {
    if (candidate.process == child.process) placement = &candidate;
  }
  if (placement == nullptr) return false;
  const pid_t old_pid = child.pid;
  const pid_t pid = spawn(*placement, true);
  if (pid < 0) return false;
  const std::int64_t now = ipc::monotonic_ns();
  child.pid = pid;
  child.running = true;
  child.wait_status = 0;
  child.spawned_ns = now;
  child.suspect_since_ns = 0;
  child.listening_seen_ns = 0;
  const double at_s = static_cast<double>(now - start_ns_) / 1e9;
  replacements_.push_back({child.process->name, at_s, old_pid, pid, how});
  std::fprintf(stderr, "pipescale run: %s replaced (pid %d) at %.1f s\n", child.process->name.c_str(),
               static_cast<int>(pid), at_s);
  return true;
}

}  // namespace pipescale::engine
