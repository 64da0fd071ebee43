#pragma once
// Socket plumbing for the socket baselines: a file-descriptor owner, blocking whole-message I/O,
// a socketpair and a loopback TCP connection with TCP_NODELAY.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "base/result.hpp"

namespace pipescale::bench {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  [[nodiscard]] int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Blocking: false on end-of-file or an error (EINTR is retried). One send/recv call per message
// unless the kernel returns a partial count.
bool write_all(int fd, std::span<const std::byte> bytes);
bool read_all(int fd, std::span<std::byte> bytes);

Result<std::pair<UniqueFd, UniqueFd>> make_unix_socketpair();

struct Listener {
  UniqueFd fd;
  std::uint16_t port = 0;  // ephemeral, chosen by the kernel
};
Result<Listener> listen_on_loopback();
// Both ends of a connection get TCP_NODELAY: a small message leaves at once.
Result<UniqueFd> connect_to_loopback(std::uint16_t port);
Result<UniqueFd> accept_one(int listener_fd, int timeout_ms);

}  // namespace pipescale::bench
