#pragma once
// A role process's view of its links, whatever carries them: it serves its service and opens
// channels to its peers through a Transport, and polls it from its agent loop. The shared-memory
// rings (ShmTransport) and gRPC (GrpcTransport) implement it; make_transport() picks one from the
// configuration (make_transport.hpp), so role code never names the transport.
//
//   setup:  transport.serve(dispatcher)      every service this process answers, first
//           transport.listen(endpoint)       where peers reach it
//           transport.connect(endpoint)      a Channel to a peer; wrap it in a stub
//   agent:  transport.poll(now)              runs handlers and completions; returns the work done
//           transport.has_work()             the re-check before parking on transport.doorbell()
//           transport.next_timer_ns()        the latest a parked runner may sleep until (0: none)
//
// An endpoint is a connection name in the run's segment (shm), or an address (gRPC: "unix:PATH"
// or "HOST:PORT"; port 0 picks a free port, and listen() returns the address it took).
// Not thread-safe: the agent's thread owns it. Destroying it fails pending calls with kCancelled:
// destroy it before the state that completions write to.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "ipc/rpc/channel.hpp"
#include "ipc/wait/doorbell.hpp"
#include "services/dispatcher.hpp"

namespace pipescale::services {

// kSim: the simulator's in-process transport (engine/simulate), never made by make_transport().
enum class TransportKind : std::uint8_t { kShm, kGrpc, kSim };

std::string_view to_string(TransportKind kind);  // "shm", "grpc", "sim"
std::optional<TransportKind> parse_transport_kind(std::string_view text);

class Transport {
 public:
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  virtual ~Transport() = default;

  [[nodiscard]] virtual TransportKind kind() const = 0;

  // Setup. Every service before the first listen(); the dispatcher must outlive the transport.
  virtual Status serve(Dispatcher& service) = 0;
  // Returns the endpoint peers should use (for gRPC, with the port it took).
  virtual Result<std::string> listen(const std::string& endpoint) = 0;
  // The transport owns the channel; it stays valid as long as the transport.
  virtual Result<ipc::Channel*> connect(const std::string& endpoint) = 0;

  // Agent step.
  virtual std::size_t poll(std::int64_t now_ns) = 0;
  [[nodiscard]] virtual bool has_work() const = 0;
  [[nodiscard]] virtual std::int64_t next_timer_ns() const = 0;
  // What a parked runner sleeps on: every arrival, on any of this transport's links, rings it.
  [[nodiscard]] virtual ipc::DoorbellLayout* doorbell() const = 0;

  // Connections closed because a ring of theirs was found corrupt (DATA_LOSS), and the region of
  // the first such ring: read off the call path, to report it once. None on a transport without rings.
  [[nodiscard]] virtual std::uint64_t data_losses() const { return 0; }
  [[nodiscard]] virtual std::string data_loss_region() const { return {}; }

 protected:
  Transport() = default;
};

}  // namespace pipescale::services
