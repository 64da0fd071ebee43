#pragma once
// A forked child process pinned to one PU, for harnesses that put the two ends of a transport in
// two processes on two cores. The child dies with its parent (PR_SET_PDEATHSIG), so a harness
// killed mid-run leaves nothing spinning; destroying the handle of a child still running kills it.
#include <sys/types.h>

#include <cstdint>
#include <functional>

#include "base/result.hpp"

namespace pipescale::bench {

class ChildProcess {
 public:
  // Forks. The child binds itself to os_pu, runs body and leaves with _exit(body's return value),
  // so that objects it inherited from the parent (segments the parent owns, open sockets) are
  // never destroyed twice. An exception escaping body is reported on stderr and exits with 1.
  static Result<ChildProcess> spawn(int os_pu, const std::function<int()>& body);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  [[nodiscard]] pid_t pid() const { return pid_; }
  // Cheap enough for a spin loop (one load of a flag set by a SIGCHLD handler): true once some
  // child of this process exited since this one was spawned. Poll the transport once more before
  // concluding the peer is gone: it may have exited right after sending its last message.
  [[nodiscard]] bool exit_signalled() const;
  // Waits up to timeout_ns for the child to exit. An error if it exited with a non-zero code, was
  // killed by a signal, or is still running (it is then killed).
  Status wait(std::int64_t timeout_ns);
  void kill();

 private:
  ChildProcess(pid_t pid, std::uint64_t exits_at_spawn) : pid_(pid), exits_at_spawn_(exits_at_spawn) {}
  pid_t pid_ = -1;
  std::uint64_t exits_at_spawn_ = 0;
};

// Opt-in for a busy machine: runs the calling process, and the children it forks afterwards, under
// SCHED_FIFO at the lowest real-time priority, so that compile jobs and the like no longer take
// turns on the benchmark's cores. The kernel's real-time throttling (by default 95% of each
// second) still leaves the rest of the system some time. Needs root or CAP_SYS_NICE.
Status use_realtime_scheduling();

// Unlinks `name` if the harness is stopped by SIGINT, SIGTERM or SIGHUP before it removes the
// segment itself (a normal exit removes it through ipc::Segment's destructor). Up to 4 names.
void remove_segment_on_signal(const char* name);
void forget_segment_on_signal(const char* name);

}  // namespace pipescale::bench
