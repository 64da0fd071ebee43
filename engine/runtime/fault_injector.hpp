#pragma once
// The live launcher's fault injector: walks the run's fault schedule (faults.hpp) from the
// supervisor's loop and applies each step to the processes and the segment:
//
//   kill       SIGKILL to the process; from there on the supervision handles a dead role
//   stop       SIGSTOP, then SIGCONT after duration_s (a process still stopped when the run ends
//              is continued, so that it can exit)
//   slow       the Worker's RoleHeader::model_time_factor_milli = factor x 1000, then 0
//   drop_link  the connection's ConnectionControl::client.dropped = 1, then 0: its caller's calls
//              are refused with kUnavailable meanwhile (shared-memory rings only)
//
// Each step is applied at the first supervisor turn at or after its time (the loop turns every
// 20 ms or sooner) and recorded with the time it was applied.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/faults.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::engine {

class FaultInjector {
 public:
  // The pid of a running process by name, 0 when it is not running.
  using PidOf = std::function<pid_t(const std::string&)>;

  FaultInjector(const PipelineConfig& config, const Topology& topology, const Board& board, const ipc::Segment* segment,
                PidOf pid_of);

  // Applies every step due at now_ns, the run having started at start_ns.
  void poll(std::int64_t now_ns, std::int64_t start_ns);
  // The time of the next step, 0 when none is left.
  [[nodiscard]] std::int64_t next_ns(std::int64_t start_ns) const;
  // The run is over: undoes whatever is still in force, as its end.
  void finish(std::int64_t now_ns, std::int64_t start_ns);

  [[nodiscard]] const std::vector<FaultRecord>& records() const { return records_; }

 private:
  void apply(const FaultStep& step, double at_s);
  void set_link(const std::string& link, std::uint32_t dropped);

  const PipelineConfig* config_;
  const Topology* topology_;
  const Board* board_;
  const ipc::Segment* segment_;
  PidOf pid_of_;
  std::vector<FaultStep> steps_;
  std::size_t next_ = 0;
  std::vector<FaultRecord> records_;
};

}  // namespace pipescale::engine
