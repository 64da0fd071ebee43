#pragma once
// One process's ends of every transport the ping-pong compares, and one exchange on any of them.
// The parent pings (send, then wait for the echo); the child pongs (wait, then echo). Every message
// carries its sequence number and message_bytes of payload, written in full by the sender and
// read in full by the receiver; the floor alone carries just the sequence number in its line.
#include <cstdint>
#include <vector>

#include "bench/ipc/pingpong/pingpong_session.hpp"
#include "bench/ipc/shm_link.hpp"
#include "bench/ipc/socket_io.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::bench {

class ChildProcess;

struct Endpoints {
  LinkEnd link;                      // the rings, doorbells and floor lines
  ipc::IdleStrategy spin;            // shm_spin
  ipc::IdleStrategy spin_then_park;  // shm_spin_then_park (default options)
  ipc::IdleStrategy park;            // shm_park
  UniqueFd uds;
  UniqueFd tcp;
  std::vector<std::byte> buffer;  // a socket message
  bool parent = true;
};

Endpoints make_endpoints(LinkEnd link, UniqueFd uds, UniqueFd tcp, std::uint32_t message_bytes, bool parent);

// False if the echo is wrong, or if `peer` (may be null) exited and nothing came back.
bool ping(Endpoints& ends, CaseKind kind, std::uint64_t sequence, const ChildProcess* peer);
// False if the message is wrong or the peer closed its socket. The child needs no liveness check
// while waiting on shared memory: PR_SET_PDEATHSIG kills it with its parent.
bool pong(Endpoints& ends, CaseKind kind, std::uint64_t sequence);

}  // namespace pipescale::bench
