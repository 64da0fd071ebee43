#pragma once
// A ping-pong session: the harness (parent) and one echoing child, each pinned to its own core,
// with every transport set up at once, go through the cases in rounds: in each round every case
// gets a short untimed warm-up and then a block of timed round trips. On a virtual machine whose
// vCPUs the host moves between physical cores, the cross-core latency can change several-fold
// from one second to the next (measured here: the floor's p50 from 110 ns to 470 ns within
// minutes); interleaving small blocks makes every case sample the same conditions, which running
// the cases one after another does not.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::bench {

enum class CaseKind : std::uint8_t {
  kFloor,
  kShmSpin,
  kShmSpinThenPark,
  kShmPark,
  kUds,
  kTcp,
  kLineWalk,    // diagnostic, see pingpong_diagnostics.hpp
  kRawRecords,  // diagnostic, see pingpong_diagnostics.hpp
};

// The cases a run measures unless told otherwise; the diagnostics only on request.
inline constexpr CaseKind kAllCases[] = {CaseKind::kFloor,   CaseKind::kShmSpin, CaseKind::kShmSpinThenPark,
                                         CaseKind::kShmPark, CaseKind::kUds,     CaseKind::kTcp};
inline constexpr CaseKind kDiagnosticCases[] = {CaseKind::kLineWalk, CaseKind::kRawRecords};
std::string_view case_name(CaseKind kind);
std::optional<CaseKind> parse_case(std::string_view name);

struct PingPongConfig {
  int parent_pu = 0;
  int child_pu = 1;
  std::uint32_t message_bytes = 64;
  std::vector<CaseKind> cases{std::begin(kAllCases), std::end(kAllCases)};
  std::uint64_t warmup_round_trips = 20'000;  // per case, once at the start (raised to a full ring lap)
  std::uint64_t rounds = 200;
  std::uint64_t block_round_trips = 1'000;       // timed, per case and round
  std::uint64_t block_warmup_round_trips = 100;  // untimed, before each block
  std::uint64_t ring_capacity_bytes = 1 << 20;   // one ring each way, shared by the shm_* cases
  std::int64_t connect_timeout_ms = 10'000;
  std::int64_t child_exit_timeout_ns = 10'000'000'000;

  [[nodiscard]] std::uint64_t timed_round_trips() const { return rounds * block_round_trips; }
};

// Round-trip times in nanoseconds, one vector per case in config.cases order. Each sample is two
// CLOCK_MONOTONIC reads around one round trip: send, wait for the echo, read it.
using Samples = std::vector<std::int64_t>;
Result<std::vector<Samples>> run_session(const PingPongConfig& config);

struct IdleCpu {
  double percent = 0;       // CPU time over wall time, in percent of one core
  std::uint64_t parks = 0;  // futex waits the consumer entered meanwhile
  double wall_seconds = 0;
};
// A spin-then-park consumer (default WaitOptions, doorbell in the segment) idle for `seconds` with
// no traffic. Its CPU time is read from outside through clock_getcpuclockid once it reported
// ready, so its start-up (fork, hwloc topology, mapping) is not counted.
Result<IdleCpu> measure_idle_cpu(const PingPongConfig& config, double seconds);

}  // namespace pipescale::bench
