#pragma once
// The shared part of one connection, beside its two rings: who serves it, who calls on it, and
// under which epoch. Plain data with lock-free atomics, in a region "<conn>.ctl" of the segment.
//
//   <conn>.req   RingControl + data   client -> server   (RingWriter in the client)
//   <conn>.rsp   RingControl + data   server -> client   (RingWriter in the server)
//   <conn>.ctl   ConnectionControl    doorbell names, server pid, client pid and epoch
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ipc/common/constants.hpp"
#include "ipc/segment/segment_layout.hpp"

namespace pipescale::ipc {

inline constexpr std::uint64_t kConnectionMagic = 0x4E4E4F4343505350ULL;  // "PSPCONNN" little-endian
inline constexpr std::uint32_t kConnectionLayoutVersion = 1;

struct ConnectionControl {
  // Written once by the segment's creator before publish; read-only afterwards.
  struct alignas(kFalseSharingBytes) Config {
    std::uint64_t magic;
    std::uint32_t layout_version;
    std::uint32_t reserved;
    char server_bell[kRegionNameBytes];  // region name of the doorbell the server parks on
    char client_bell[kRegionNameBytes];  // region name of the doorbell the client parks on
  } config;

  // Written by the serving process when it binds the connection (setup path only).
  struct alignas(kFalseSharingBytes) Server {
    std::atomic<std::int32_t> pid;  // 0 until a server binds; clients watch this process die
  } server;

  // Written by the calling process when it attaches (setup path only).
  struct alignas(kFalseSharingBytes) Client {
    std::atomic<std::int32_t> pid;        // the process attached now, 0 when none
    std::atomic<std::uint32_t> epoch;     // the attached incarnation; bumped by every attach
    std::atomic<std::uint32_t> attached;  // 1 while an RpcClient holds the connection
    // Set by a third party (the launcher's fault injector): while nonzero, every call the client
    // begins on this connection is refused with kUnavailable, as if its server had died. One
    // relaxed load per call; nothing orders it against the rings.
    std::atomic<std::uint32_t> dropped;
  } client;
};
static_assert(sizeof(ConnectionControl) == 3 * kFalseSharingBytes);
static_assert(offsetof(ConnectionControl, server) == kFalseSharingBytes);
static_assert(std::atomic<std::int32_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

// Record header fields as the rpc layer uses them (ring_layout.hpp's RecordHeader):
//   correlation_id  slot index (low 32 bits) | slot generation (high 32 bits), chosen by the client
//   method_id       the rpc; echoed in the response
//   flags           kRequestFlag or kResponseFlag
//   status          0 in requests; the StatusCode in responses (payload empty unless kOk)
//   epoch           the client's epoch; echoed in the response
// A request's payload starts with its deadline (int64 CLOCK_MONOTONIC ns, 0 for none), then the
// message bytes; a response's payload is the message bytes alone.
inline constexpr std::uint8_t kRequestFlag = 1;
inline constexpr std::uint8_t kResponseFlag = 2;
inline constexpr std::uint32_t kRequestPrefixBytes = sizeof(std::int64_t);

constexpr std::uint64_t make_correlation_id(std::uint32_t slot, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | slot;
}
constexpr std::uint32_t correlation_slot(std::uint64_t correlation_id) {
  return static_cast<std::uint32_t>(correlation_id & 0xFFFF'FFFFu);
}
constexpr std::uint32_t correlation_generation(std::uint64_t correlation_id) {
  return static_cast<std::uint32_t>(correlation_id >> 32);
}

}  // namespace pipescale::ipc
