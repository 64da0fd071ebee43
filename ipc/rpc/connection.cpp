#include "ipc/rpc/connection.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace pipescale::ipc {
namespace {

bool process_alive(std::int32_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

void copy_name(char (&to)[kRegionNameBytes], const std::string& from) {
  std::memset(to, 0, sizeof to);
  std::memcpy(to, from.data(), from.size() < sizeof to - 1 ? from.size() : sizeof to - 1);
}

std::string read_name(const char (&from)[kRegionNameBytes]) { return {from, strnlen(from, kRegionNameBytes - 1)}; }

Status check_spec(const ConnectionSpec& spec) {
  if (spec.name.empty() || spec.name.size() > kMaxConnectionNameBytes) {
    return Error{"connection name '" + spec.name + "' must have 1 to " + std::to_string(kMaxConnectionNameBytes) +
                 " characters"};
  }
  if (spec.server_process.empty() || spec.client_process.empty()) {
    return Error{"connection '" + spec.name + "': server_process and client_process must be named"};
  }
  if (spec.server_process == spec.client_process) {
    return Error{"connection '" + spec.name + "': server_process and client_process are both '" + spec.server_process +
                 "'; a process does not call itself through a ring"};
  }
  return Ok{};
}

}  // namespace

std::string doorbell_name(const std::string& process) { return process + ".bell"; }

Result<DoorbellLayout*> create_doorbell(Segment& segment, const std::string& process, std::int32_t numa_node) {
  const std::string name = doorbell_name(process);
  if (auto existing = segment.find_doorbell(name)) return existing;
  return segment.allocate_doorbell(name, numa_node);
}

Result<DoorbellLayout*> find_process_doorbell(const Segment& segment, const std::string& process) {
  return segment.find_doorbell(doorbell_name(process));
}

Status create_connection(Segment& segment, const ConnectionSpec& spec) {
  if (auto valid = check_spec(spec); !valid) return valid.error();
  if (auto bell = create_doorbell(segment, spec.server_process, spec.server_numa_node); !bell) return bell.error();
  if (auto bell = create_doorbell(segment, spec.client_process, spec.client_numa_node); !bell) return bell.error();
  auto requests = segment.allocate_ring(spec.name + ".req", spec.request_ring_bytes, spec.max_request_payload_bytes,
                                        spec.server_numa_node);
  if (!requests) return Error{"connection '" + spec.name + "', request ring: " + requests.error().message};
  auto responses = segment.allocate_ring(spec.name + ".rsp", spec.response_ring_bytes, spec.max_response_payload_bytes,
                                         spec.client_numa_node);
  if (!responses) return Error{"connection '" + spec.name + "', response ring: " + responses.error().message};
  if ((*requests)->config.max_payload_bytes < kRequestPrefixBytes) {
    return Error{"connection '" + spec.name + "': max_request_payload_bytes must be at least " +
                 std::to_string(kRequestPrefixBytes) + " (the deadline travels in front of the message)"};
  }
  auto region = segment.allocate(spec.name + ".ctl", sizeof(ConnectionControl), RegionKind::kBytes);
  if (!region) return region.error();
  auto* control = new (region->address) ConnectionControl{};
  control->config.magic = kConnectionMagic;
  control->config.layout_version = kConnectionLayoutVersion;
  copy_name(control->config.server_bell, doorbell_name(spec.server_process));
  copy_name(control->config.client_bell, doorbell_name(spec.client_process));
  return Ok{};
}

Result<ConnectionRegions> find_connection(const Segment& segment, const std::string& name) {
  ConnectionRegions regions;
  regions.name = name;
  auto control = segment.find(name + ".ctl", RegionKind::kBytes);
  if (!control) return Error{"connection '" + name + "': " + control.error().message};
  if (control->bytes < sizeof(ConnectionControl)) {
    return Error{"connection '" + name + "': control region of " + std::to_string(control->bytes) +
                 " bytes, expected " + std::to_string(sizeof(ConnectionControl))};
  }
  regions.control = static_cast<ConnectionControl*>(control->address);
  const auto& config = regions.control->config;
  if (config.magic != kConnectionMagic || config.layout_version != kConnectionLayoutVersion) {
    return Error{"connection '" + name + "': control block has layout version " +
                 std::to_string(config.layout_version) + " or a bad magic; this build speaks version " +
                 std::to_string(kConnectionLayoutVersion)};
  }
  auto requests = segment.find_ring(name + ".req");
  if (!requests) return requests.error();
  auto responses = segment.find_ring(name + ".rsp");
  if (!responses) return responses.error();
  auto server_bell = segment.find_doorbell(read_name(config.server_bell));
  if (!server_bell) return Error{"connection '" + name + "': " + server_bell.error().message};
  auto client_bell = segment.find_doorbell(read_name(config.client_bell));
  if (!client_bell) return Error{"connection '" + name + "': " + client_bell.error().message};
  regions.requests = *requests;
  regions.responses = *responses;
  regions.server_bell = *server_bell;
  regions.client_bell = *client_bell;
  return regions;
}

Status bind_server(ConnectionControl& control, const std::string& name) {
  // acquire pairs with the release store of a previous binder: we see the pid it wrote in full.
  const std::int32_t holder = control.server.pid.load(std::memory_order_acquire);
  if (holder != 0 && holder != getpid() && process_alive(holder)) {
    return Error{"connection '" + name + "' is already served by live process " + std::to_string(holder)};
  }
  // release pairs with the acquire loads in RpcClient's peer check and in the next bind_server.
  control.server.pid.store(getpid(), std::memory_order_release);
  return Ok{};
}

void unbind_server(ConnectionControl& control) {
  std::int32_t self = getpid();
  // release pairs with the acquire load in RpcClient's peer check: clients see the server leave.
  control.server.pid.compare_exchange_strong(self, 0, std::memory_order_release, std::memory_order_relaxed);
}

Result<std::uint32_t> bind_client(ConnectionControl& control, const std::string& name) {
  std::uint32_t expected = 0;
  // acq_rel pairs with the release store in unbind_client (a previous holder) and with a rival
  // binder's exchange: one of two concurrent binders wins.
  if (!control.client.attached.compare_exchange_strong(expected, 1, std::memory_order_acq_rel,
                                                       std::memory_order_acquire)) {
    // acquire pairs with the release store of the pid below, by the holder.
    const std::int32_t holder = control.client.pid.load(std::memory_order_acquire);
    if (holder == getpid()) return Error{"connection '" + name + "' already has a client in this process"};
    if (holder == 0 || process_alive(holder)) {
      return Error{"connection '" + name + "' is in use by client process " + std::to_string(holder)};
    }
    // The holder died without detaching: take its place (a new epoch fences off its replies).
  }
  // acq_rel: each attach gets a distinct epoch; the server's acquire load of the epoch pairs with it.
  std::uint32_t epoch = control.client.epoch.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (epoch == 0) epoch = control.client.epoch.fetch_add(1, std::memory_order_acq_rel) + 1;  // 0 never names one
  // release pairs with the acquire load of the holder's pid above, in a later binder.
  control.client.pid.store(getpid(), std::memory_order_release);
  return epoch;
}

void unbind_client(ConnectionControl& control, std::uint32_t epoch) {
  // acquire pairs with the fetch_add in bind_client: only the current incarnation lets go.
  if (control.client.epoch.load(std::memory_order_acquire) != epoch) return;
  control.client.pid.store(0, std::memory_order_relaxed);  // ordered before the release below
  // release pairs with the acq_rel exchange in the next bind_client.
  control.client.attached.store(0, std::memory_order_release);
}

void fence_connection(ConnectionControl& control) {
  // acq_rel pairs with the client's acquire load in RpcClient::fenced and the server's epoch check.
  if (control.client.epoch.fetch_add(1, std::memory_order_acq_rel) + 1 == 0) {
    control.client.epoch.fetch_add(1, std::memory_order_acq_rel);  // 0 never names one
  }
}

}  // namespace pipescale::ipc
