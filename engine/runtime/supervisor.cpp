// Supervision of a live run (live_run.hpp): reaping and naming role processes that die, the run
// phases on the board, Ctrl-C, the progress line, and stopping every role at the end.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "engine/runtime/live_run.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/wait/doorbell.hpp"

namespace pipescale::engine {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

volatile std::sig_atomic_t g_stop_requests = 0;
volatile std::sig_atomic_t g_first_signal = 0;

extern "C" void on_stop_signal(int signal) {
  if (g_first_signal == 0) g_first_signal = signal;
  g_stop_requests = g_stop_requests + 1;
}

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: handlers are in place from the first instant, through every set-up step, whose
  // system calls must not fail with EINTR; the supervisor polls every few milliseconds anyway.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested() { return g_stop_requests > 0; }

int interrupted_exit_status() { return 128 + (g_first_signal == 0 ? SIGINT : static_cast<int>(g_first_signal)); }

const char* stop_signal_name() { return g_first_signal == SIGTERM ? "SIGTERM" : "SIGINT"; }

void LiveRun::note_failure(const Child& child, const std::string& how) {
  const std::string line = child.process->name + " (pid " + std::to_string(child.pid) + ") " + how + "; see " +
                           (dir_ / "logs" / (child.process->name + ".log")).string();
  failures_.push_back(line);
  std::fprintf(stderr, "%spipescale run: %s\n", tty_ ? "\n" : "", line.c_str());
}

void LiveRun::note_data_losses(RunRecord& record) const {
  for (const Child& child : children_) {
    const std::uint64_t losses = board_.header(*child.process)->data_loss.get();
    if (losses == 0) continue;
    const std::string line = child.process->name + " closed " + std::to_string(losses) +
                             " connection(s) on a corrupt ring (DATA_LOSS); " +
                             (dir_ / "logs" / (child.process->name + ".log")).string() + " names the region";
    std::fprintf(stderr, "pipescale run: data loss: %s\n", line.c_str());
    record.data_losses.push_back(line);
  }
}

void LiveRun::reap() {
  for (Child& child : children_) {  // lose() may replace it: the same slot, a new pid
    if (!child.running) continue;
    int status = 0;
    const pid_t done = ::waitpid(child.pid, &status, WNOHANG);
    if (done != child.pid) continue;
    child.running = false;
    child.wait_status = status;
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const RoleHeader* header = board_.header(*child.process);
    const bool finished = header->phase.get() == static_cast<std::uint32_t>(RolePhase::kDone);
    if (clean && finished) continue;
    std::string how = WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                                strsignal(WTERMSIG(status)) + ")"
                                          : "exited with status " + std::to_string(WEXITSTATUS(status));
    if (clean) how = "exited before finishing its part";
    lose(child, how);
  }
}

void LiveRun::ring_all() {
  for (const ProcessSpec& process : topology_.processes) {
    if (auto bell = ipc::find_process_doorbell(*segment_, process.name)) ipc::Doorbell(*bell).notify();
  }
}

void LiveRun::set_run_phase(RunPhase phase) {
  // The launcher's own copy decides: the shared word may have been scribbled on.
  if (run_phase_ >= phase) return;
  run_phase_ = phase;
  board_.control->phase.set(static_cast<std::uint32_t>(phase));
  ring_all();
}

bool LiveRun::all_reached(RolePhase phase) const {
  for (const Child& child : children_) {
    const auto reached = board_.header(*child.process)->phase.get();
    if (reached == static_cast<std::uint32_t>(RolePhase::kFailed) || reached < static_cast<std::uint32_t>(phase)) {
      return false;
    }
  }
  return true;
}

bool LiveRun::wait_for(RolePhase phase, std::int64_t timeout_ns, const char* what) {
  const std::int64_t give_up = ipc::monotonic_ns() + timeout_ns;
  while (!all_reached(phase)) {
    reap();
    if (!failures_.empty()) return false;
    if (g_stop_requests > 0) {
      interrupted_ = true;
      return false;
    }
    for (const Child& child : children_) {
      if (board_.header(*child.process)->phase.get() == static_cast<std::uint32_t>(RolePhase::kFailed)) {
        note_failure(child, "gave up while the run was being set up");
        return false;
      }
    }
    if (ipc::monotonic_ns() > give_up) {
      std::string late;
      for (const Child& child : children_) {
        if (board_.header(*child.process)->phase.get() < static_cast<std::uint32_t>(phase)) {
          if (!late.empty()) late += ", ";
          late += child.process->name;
        }
      }
      failures_.push_back(std::string("timed out waiting for every role to be ") + what + ": " + late);
      std::fprintf(stderr, "pipescale run: %s\n", failures_.back().c_str());
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void LiveRun::print_progress(std::int64_t now) {
  const roles::ClientStats& client = *board_.client;
  const std::uint32_t published = client.rows_published.get();
  std::uint64_t offered = 0;
  std::uint64_t completed = 0;
  std::int64_t p99 = 0;
  if (published > 0 && published <= board_.row_capacity) {
    const roles::ClientRow& row = client.rows(board_.row_capacity)[published - 1];
    offered = row.offered.get();
    completed = row.completed.get();
    p99 = row.p99_ns.get();
  }
  const std::uint64_t within = client.within_slo.get();
  const std::uint64_t returned = client.completed.get() + client.dropped.get() + client.failed.get();
  char attainment[16] = "   n/a ";  // nothing back yet: no attainment to speak of
  if (returned > 0) {
    std::snprintf(attainment, sizeof attainment, "%6.2f%%",
                  100.0 * static_cast<double>(within) / static_cast<double>(returned));
  }
  const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now - start_ns_)) / 1e9;
  std::string workers;
  std::string batches;
  for (const roles::FrontendStats* frontend : board_.frontends) {
    if (!workers.empty()) {
      workers += '/';
      batches += '/';
    }
    workers += std::to_string(frontend->active_workers.get());
    batches += std::to_string(frontend->batch_size.get());
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "[%5.0f/%.0f s] offered %6llu/s completed %6llu/s  SLO %s  dropped %llu  failed %llu  p99 %7.1f ms"
                "  workers %s  batch %s",
                elapsed, config_.run.duration_s, static_cast<unsigned long long>(offered),
                static_cast<unsigned long long>(completed), attainment,
                static_cast<unsigned long long>(client.dropped.get()),
                static_cast<unsigned long long>(client.failed.get()), static_cast<double>(p99) / 1e6, workers.c_str(),
                batches.c_str());
  if (tty_) {
    std::printf("\r%-150s", line);
  } else {
    std::printf("%s\n", line);
  }
  std::fflush(stdout);
}

void LiveRun::supervise_run() {
  const RoleHeader& client = *board_.header(*children_[0].process);
  int stop_requests_seen = 0;
  while (true) {
    reap();
    const std::int64_t now = ipc::monotonic_ns();
    if (!stopping_) check_liveness();
    if (g_stop_requests != stop_requests_seen) {
      stop_requests_seen = g_stop_requests;
      interrupted_ = true;
      if (stop_requests_seen == 1) {
        std::fprintf(stderr,
                     "%spipescale run: %s: stopping (the Client drains what is in flight; Ctrl-C again to stop at "
                     "once)\n",
                     tty_ ? "\n" : "", stop_signal_name());
        stopping_ = true;
        set_run_phase(RunPhase::kStop);
      } else {
        // Every role exits now; the Client counts what is still in flight as failed and publishes
        // its figures first, so the results hold everything it knows (shut_down() kills a role
        // that has not exited within three seconds, or at a third request).
        std::fprintf(stderr, "pipescale run: stopping at once (Ctrl-C again to kill every role)\n");
        return;
      }
    }
    // Done is one value: any other word (a scribbled one too) means the Client is still at it.
    const bool client_over =
        client.phase.get() == static_cast<std::uint32_t>(RolePhase::kDone) || !children_[0].running;
    if (client_over) return;
    if (faults_) faults_->poll(now, start_ns_);
    if (options_.progress && now >= next_progress_ns_ && now >= start_ns_) {
      print_progress(now);
      next_progress_ns_ += kSecond;
    }
    // A turn every 20 ms, or sooner when a fault is due before then.
    std::int64_t sleep_ns = 20'000'000;
    if (const std::int64_t fault_ns = faults_ ? faults_->next_ns(start_ns_) : 0; fault_ns != 0) {
      sleep_ns = std::clamp<std::int64_t>(fault_ns - ipc::monotonic_ns(), 0, sleep_ns);
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(sleep_ns));
  }
}

// Every role but the Client exits when told; a role that does not within the grace is killed.
void LiveRun::shut_down() {
  board_.control->shutdown.set(1);
  ring_all();
  std::int64_t give_up = ipc::monotonic_ns() + 10 * kSecond;
  bool hurried = false;
  for (;;) {
    reap();
    bool any = false;
    for (const Child& child : children_) any = any || child.running;
    if (!any) break;
    if (g_stop_requests > 1 && !hurried) {
      // A second stop request: three seconds for every role to publish and exit (parked processes
      // on a busy machine take a while to be scheduled), then they are killed.
      hurried = true;
      give_up = std::min(give_up, ipc::monotonic_ns() + 3 * kSecond);
    }
    if (ipc::monotonic_ns() > give_up || g_stop_requests > 2) {
      for (Child& child : children_) {
        if (!child.running) continue;
        note_failure(child, "did not exit when told to and was killed");
        ::kill(child.pid, SIGKILL);
      }
      for (Child& child : children_) {
        if (child.running && ::waitpid(child.pid, &child.wait_status, 0) == child.pid) child.running = false;
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void LiveRun::cleanup() {
  metrics_.reset();  // before the segment its board lives in
  for (Child& child : children_) {
    if (!child.running) continue;
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, &child.wait_status, 0);
    child.running = false;
  }
  segment_.reset();  // the creator's handle removes the segment
  private_.reset();  // the roles' config copy and the gRPC sockets
  socket_dir_.clear();
  if (discard_dir_) release_results_dir(claimed_dir_);
}

}  // namespace pipescale::engine
