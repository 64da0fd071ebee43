#include "bench/ipc/socket_io.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pipescale::bench {
namespace {

Error system_error(const std::string& what) { return Error{what + ": " + std::strerror(errno)}; }

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool set_no_delay(int fd) {
  const int on = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0;
}

}  // namespace

bool write_all(int fd, std::span<const std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    // MSG_NOSIGNAL: a peer that went away is an error to report, not a SIGPIPE that kills us.
    const ssize_t sent = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    done += static_cast<std::size_t>(sent);
  }
  return true;
}

bool read_all(int fd, std::span<std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::recv(fd, bytes.data() + done, bytes.size() - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  return true;
}

Result<std::pair<UniqueFd, UniqueFd>> make_unix_socketpair() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return system_error("socketpair(AF_UNIX)");
  return std::pair<UniqueFd, UniqueFd>(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

Result<Listener> listen_on_loopback() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return system_error("socket(AF_INET)");
  sockaddr_in address = loopback(0);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return system_error("bind 127.0.0.1:0");
  }
  if (::listen(fd.get(), 1) != 0) return system_error("listen");
  socklen_t length = sizeof address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) return system_error("getsockname");
  return Listener{std::move(fd), ntohs(address.sin_port)};
}

Result<UniqueFd> connect_to_loopback(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return system_error("socket(AF_INET)");
  const sockaddr_in address = loopback(port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return system_error("connect 127.0.0.1:" + std::to_string(port));
  }
  if (!set_no_delay(fd.get())) return system_error("TCP_NODELAY");
  return fd;
}

Result<UniqueFd> accept_one(int listener_fd, int timeout_ms) {
  pollfd waiting{listener_fd, POLLIN, 0};
  const int ready = ::poll(&waiting, 1, timeout_ms);
  if (ready == 0) return Error{"no TCP connection within " + std::to_string(timeout_ms) + " ms"};
  if (ready < 0) return system_error("poll on the listening socket");
  UniqueFd fd(::accept4(listener_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (fd.get() < 0) return system_error("accept");
  if (!set_no_delay(fd.get())) return system_error("TCP_NODELAY");
  return fd;
}

}  // namespace pipescale::bench
