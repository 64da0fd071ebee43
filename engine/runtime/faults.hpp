#pragma once
// The faults of a run ([[faults]], engine/config/README.md) as a schedule of steps and a record
// of what became of each. The live launcher (fault_injector.hpp) and the simulator walk the same
// schedule: a fault begins at its at_s and, when it has a duration, ends at at_s + duration_s,
// seconds from the run's start (the Client's t = 0). Steps at the same instant keep the config's
// order, an end before a begin.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/metrics/json_writer.hpp"
#include "engine/config/config.hpp"

namespace pipescale::engine {

struct FaultStep {
  std::int64_t at_ns = 0;  // from the run's start
  std::size_t fault = 0;   // index in config.faults
  bool begin = true;       // false: the end of a stop, slow or drop_link
};

std::vector<FaultStep> fault_schedule(const PipelineConfig& config);

// What became of one fault; times in seconds from the run's start, negative for "did not happen".
struct FaultRecord {
  std::string resolved;  // the process (kill, stop, slow) or link (drop_link) it acted on
  double applied_s = -1.0;
  double ended_s = -1.0;     // stop, slow, drop_link: when it was undone (at the latest, the run's end)
  double lost_s = -1.0;      // the target was lost (killed, or declared hung while stopped)
  double replaced_s = -1.0;  // a replacement of the lost process started
  std::string note;          // what followed, in words; empty when nothing worth saying
};

// One record per fault, resolved, nothing yet applied.
std::vector<FaultRecord> fault_records(const PipelineConfig& config);

// summary.json's "faults": each fault's at_s, target, action, parameters, the resolved process
// or link, and its record.
void faults_json(JsonWriter& json, const PipelineConfig& config, const std::vector<FaultRecord>& records);

// timeseries.csv's faults_active in second `second`: how many faults were in force at some time
// in [second, second + 1) (a kill counts in the second it was applied).
int faults_active(const PipelineConfig& config, const std::vector<FaultRecord>& records, std::uint32_t second);

// The model-time factor a slow fault writes to a Worker's header, in thousandths.
std::uint32_t slow_factor_milli(const FaultConfig& fault);

}  // namespace pipescale::engine
