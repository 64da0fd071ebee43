#pragma once
// Setting up connections (setup path: allocates, returns errors that name the input).
//
// The segment's creator lays out every connection before it publishes the segment:
//   create_connection(segment, {name, server_process, client_process, ...})
// allocates "<name>.req", "<name>.rsp" and "<name>.ctl", and the doorbells
// "<server_process>.bell" and "<client_process>.bell" unless they exist already (a process has
// one doorbell for all its inbound rings, so many connections share it). Any process, after
// Segment::open, finds them with find_connection(segment, name) and hands the result to
// RpcServer::add_connection or RpcClient::add_connection.
//
// A connection's rings, its control block and both doorbells live in one segment: the per-run
// segment holds every process's doorbell, so a process that serves some connections and calls
// on others still parks on one doorbell.
#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "ipc/rpc/connection_layout.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::ipc {

struct ConnectionSpec {
  std::string name;                                              // at most kMaxConnectionNameBytes characters
  std::string server_process;                                    // its doorbell is "<server_process>.bell"
  std::string client_process;                                    // its doorbell is "<client_process>.bell"
  std::uint64_t request_ring_bytes = std::uint64_t{64} * 1024;   // power of two, >= 1024
  std::uint64_t response_ring_bytes = std::uint64_t{64} * 1024;  // power of two, >= 1024
  std::uint64_t max_request_payload_bytes = 0;                   // 0: the ring's default (an eighth of it)
  std::uint64_t max_response_payload_bytes = 0;
  std::int32_t server_numa_node = -1;  // the request ring and the server's doorbell live here
  std::int32_t client_numa_node = -1;  // the response ring and the client's doorbell live here
};

// Region names are at most kRegionNameBytes - 1 characters, and ".req" is appended.
inline constexpr std::size_t kMaxConnectionNameBytes = kRegionNameBytes - 1 - 4;

std::string doorbell_name(const std::string& process);  // "<process>.bell"

// Creator only, before publish(). Returns the existing doorbell if one was made already.
Result<DoorbellLayout*> create_doorbell(Segment& segment, const std::string& process, std::int32_t numa_node = -1);
Result<DoorbellLayout*> find_process_doorbell(const Segment& segment, const std::string& process);

// Creator only, before publish().
Status create_connection(Segment& segment, const ConnectionSpec& spec);

// Everything one connection consists of, found in a published segment.
struct ConnectionRegions {
  std::string name;
  RingControl* requests = nullptr;   // client -> server
  RingControl* responses = nullptr;  // server -> client
  DoorbellLayout* server_bell = nullptr;
  DoorbellLayout* client_bell = nullptr;
  ConnectionControl* control = nullptr;
};
Result<ConnectionRegions> find_connection(const Segment& segment, const std::string& name);

// Binding (called by RpcServer / RpcClient::add_connection; setup path).
// The server records its pid, which clients watch; refused while another live process serves.
Status bind_server(ConnectionControl& control, const std::string& name);
void unbind_server(ConnectionControl& control);
// The client takes the connection and a fresh epoch; refused while another live client holds it.
Result<std::uint32_t> bind_client(ConnectionControl& control, const std::string& name);
void unbind_client(ConnectionControl& control, std::uint32_t epoch);
// Voids everything in the connection's rings, for a supervisor that replaces its dead server: a
// new epoch, so that the successor skips the requests left in the ring and the client, which
// notices the change, fails its pending calls with kUnavailable and adopts the new epoch once a
// live server binds (README.md, "Death of the server").
void fence_connection(ConnectionControl& control);

}  // namespace pipescale::ipc
