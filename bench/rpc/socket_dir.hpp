#pragma once
// A private temporary directory for the gRPC server's Unix socket ($TMPDIR or /tmp,
// "pipescale-rpc-<pid>-XXXXXX", mode 0700). The socket file and the directory are removed when
// this is destroyed, and also if the harness is stopped by SIGINT, SIGTERM or SIGHUP (the handler
// then passes the signal on to the one installed before, which removes the segments). Those of a
// harness that was killed outright are removed by the next run, as stale segments are.
#include <string>

#include "base/result.hpp"

namespace pipescale::bench {

class SocketDir {
 public:
  static Result<SocketDir> create();
  SocketDir(SocketDir&& other) noexcept;
  SocketDir& operator=(SocketDir&&) = delete;
  SocketDir(const SocketDir&) = delete;
  SocketDir& operator=(const SocketDir&) = delete;
  ~SocketDir();

  [[nodiscard]] const std::string& socket_path() const { return socket_path_; }

 private:
  SocketDir(std::string directory, std::string socket_path)
      : directory_(std::move(directory)), socket_path_(std::move(socket_path)) {}
  std::string directory_;
  std::string socket_path_;
};

}  // namespace pipescale::bench
