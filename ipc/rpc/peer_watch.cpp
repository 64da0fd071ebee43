#include "ipc/rpc/peer_watch.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every architecture (Linux 5.3)
#endif

namespace pipescale::ipc {

PeerWatch::PeerWatch(PeerWatch&& other) noexcept
    : pid_(std::exchange(other.pid_, 0)), fd_(std::exchange(other.fd_, -1)) {}

PeerWatch& PeerWatch::operator=(PeerWatch&& other) noexcept {
  if (this != &other) {
    reset();
    pid_ = std::exchange(other.pid_, 0);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

PeerWatch::~PeerWatch() { reset(); }

void PeerWatch::reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  pid_ = 0;
}

bool PeerWatch::watch(std::int32_t pid) {
  reset();
  if (pid <= 0) return false;
  const long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    fd_ = static_cast<int>(fd);
  } else {
    // ESRCH: gone already. ENOSYS (a kernel before 5.3) or EMFILE: watch with kill(pid, 0) instead.
    const bool gone = errno == ESRCH || (kill(pid, 0) != 0 && errno == ESRCH);
    if (gone) return false;
  }
  pid_ = pid;
  return true;
}

bool PeerWatch::exited() const {
  if (pid_ == 0) return false;
  if (fd_ < 0) return kill(pid_, 0) != 0 && errno == ESRCH;
  pollfd entry{fd_, POLLIN, 0};
  // POLLIN: the process has exited (zombie or reaped). A zero timeout never blocks.
  return poll(&entry, 1, 0) > 0 && (entry.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

}  // namespace pipescale::ipc
