#pragma once
// What the ping-pong harness prints: a table for people and one JSON document for tools.
#include <string>
#include <utility>
#include <vector>

#include "bench/ipc/pingpong/pingpong_session.hpp"
#include "bench/support/latency_stats.hpp"

namespace pipescale::bench {

struct PingPongReport {
  std::string cpu_model;
  std::vector<int> cpus;
  std::string shared_cache;
  std::string commit;
  PingPongConfig config;
  std::int64_t clock_read_ns = 0;
  bool realtime = false;                                        // both processes ran under SCHED_FIFO
  std::vector<std::pair<std::string, LatencySummary>> results;  // in case order, floor first
  IdleCpu idle;
  bool idle_measured = false;
};

std::string pingpong_json(const PingPongReport& report);
std::string pingpong_table(const PingPongReport& report);

}  // namespace pipescale::bench
