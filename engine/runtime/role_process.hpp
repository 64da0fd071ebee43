#pragma once
// One role of a run, as its own process: `pipescale role ...`, which the launcher starts. It
// pins itself, reads the effective config the launcher wrote, opens the run's segment, opens its
// links (the transport of the config), serves its service, and then follows the launcher's run
// phases (roles/common/role_stats.hpp, RunPhase) in its agent loop until it is done.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::engine {

struct RoleOptions {
  std::string segment;               // the run's segment name
  std::filesystem::path config;      // the effective config (the results folder's config.toml)
  std::string process;               // this process's name in the topology
  std::vector<int> cpus;             // OS PU indexes to bind to; empty: not bound
  ipc::WaitOptions wait{};           // the runner's wait strategy
  std::filesystem::path socket_dir;  // gRPC: where every process's Unix socket lives
  bool replacement = false;          // started in place of a lost process of the same name
};

// The process's exit status: 0 when it finished its part, 1 when it gave up (the reason on stderr).
int run_role(const RoleOptions& options);

// "unix:<socket_dir>/<process>.sock": where a process listens over gRPC.
std::string grpc_address(const std::filesystem::path& socket_dir, const std::string& process);

}  // namespace pipescale::engine
