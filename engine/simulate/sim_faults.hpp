#pragma once
// The simulator's fault injector: the run's fault schedule (engine/runtime/faults.hpp), the same
// steps the live launcher takes, applied in virtual time to the simulated processes through
// four actions the simulation supplies (README.md, "Faults"):
//
//   kill       the process is lost at at_s
//   stop       the process takes no step from at_s to at_s + duration_s; when that is longer than
//              the liveness timeout, it is declared hung at at_s + timeout and lost then
//   slow       the Worker's model-time factor is factor x 1000 for duration_s
//   drop_link  the link's caller has its calls refused with kUnavailable for duration_s
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/config/config.hpp"
#include "engine/runtime/faults.hpp"

namespace pipescale::engine {

struct SimFaultActions {
  std::function<void(const std::string& process)> lose;
  std::function<void(const std::string& process, bool stopped)> stop;
  std::function<void(const std::string& process, std::uint32_t factor_milli)> slow;  // 0: as drawn
  std::function<void(const std::string& link, bool dropped)> drop_link;
};

class SimFaults {
 public:
  // liveness_timeout_ns: how long a stopped process may be silent before it is declared hung; 0
  // for never.
  SimFaults(const PipelineConfig& config, std::int64_t liveness_timeout_ns);

  // The run starts at start_ns (virtual): every step's time is counted from it.
  void start(std::int64_t start_ns) { start_ns_ = start_ns; }
  // The virtual time of the next step, 0 when none is left (or before start()).
  [[nodiscard]] std::int64_t next_ns() const;
  // Applies every step due at now_ns.
  void apply_due(std::int64_t now_ns, const SimFaultActions& actions);
  // The run ended at now_ns: what is still in force ends with it.
  void finish(std::int64_t now_ns, const SimFaultActions& actions);

  [[nodiscard]] const std::vector<FaultRecord>& records() const { return records_; }

 private:
  struct Step {
    FaultStep step;
    bool hung = false;  // the liveness timeout of a long stop
  };
  void apply(const Step& step, std::int64_t now_ns, const SimFaultActions& actions);

  const PipelineConfig* config_;
  std::vector<Step> steps_;
  std::size_t next_ = 0;
  std::int64_t start_ns_ = 0;
  std::vector<FaultRecord> records_;
};

}  // namespace pipescale::engine
