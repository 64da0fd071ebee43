#pragma once
// Learns promptly that a peer process died: a pidfd (pidfd_open, Linux >= 5.3) becomes readable
// when its process exits, and poll() with a zero timeout asks without blocking. The fd names the
// process itself, so a pid reused by an unrelated process is never mistaken for the peer. On a
// kernel without pidfd_open, kill(pid, 0) answers instead (and cannot tell a reused pid apart).
//
// One check is one system call (about a microsecond); RpcClient makes one per connection at a
// bounded rate (ClientOptions::peer_check_interval_ns), and only while calls are pending.
#include <cstdint>

namespace pipescale::ipc {

class PeerWatch {
 public:
  PeerWatch() = default;
  PeerWatch(PeerWatch&& other) noexcept;
  PeerWatch& operator=(PeerWatch&& other) noexcept;
  PeerWatch(const PeerWatch&) = delete;
  PeerWatch& operator=(const PeerWatch&) = delete;
  ~PeerWatch();

  // Watches `pid` from now on. False when that process does not exist (it is gone already).
  bool watch(std::int32_t pid);
  // True once the watched process has exited (also after it was reaped). False when watching none.
  [[nodiscard]] bool exited() const;
  void reset();

  [[nodiscard]] std::int32_t pid() const { return pid_; }
  [[nodiscard]] bool watching() const { return pid_ != 0; }

 private:
  std::int32_t pid_ = 0;
  int fd_ = -1;  // -1 with pid_ != 0: no pidfd_open on this kernel, kill(pid, 0) instead
};

}  // namespace pipescale::ipc
