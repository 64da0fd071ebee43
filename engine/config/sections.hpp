#pragma once
// One reader per section of the config file. Each fills its struct from its table (null when the
// file has none, leaving every default) and reports every problem to the context.
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/config/config.hpp"
#include "engine/config/table_reader.hpp"

namespace pipescale::engine::config_detail {

// The table under `key` in `parent`; null when absent, or (after an error) when not a table.
const ConfigNode* section(TableReader& parent, std::string_view key);

void read_run(const ConfigNode* table, RunConfig& run, ReadContext& context);
void read_client(const ConfigNode* table, ClientConfig& client, ReadContext& context);
// The trace itself, read as the Client will read it (format, window, the run's length): its
// problems are reported at client.trace_path. Only once the rest of the config is valid.
void check_client_trace(const ConfigNode& root, const PipelineConfig& config, ReadContext& context);
void read_scheduler(const ConfigNode* table, SchedulerConfig& scheduler, ReadContext& context);
void read_placement(const ConfigNode* table, PlacementConfig& placement, ReadContext& context);
void read_simulate(const ConfigNode* table, SimulateConfig& simulate, ReadContext& context);
// numa_node, cpus and dedicated: the keys of [placement.client], [placement.scheduler] and [[stages]].
void read_process_placement(TableReader& reader, ProcessPlacementConfig& placement);
// The [[stages]] array of the top-level table; at least one stage is required.
void read_stages(TableReader& top, std::vector<StageConfig>& stages, ReadContext& context);
// The [[faults]] array, after [run] and [[stages]] (its targets and times are checked against them).
void read_faults(TableReader& top, PipelineConfig& config, ReadContext& context);

// An input file named by the string at `node`: resolved against the config file's folder (or, for
// a --set value, the working directory), normalised, and checked to be a readable file.
std::optional<std::filesystem::path> input_file(TableReader& reader, std::string_view key, const ConfigNode& node,
                                                std::string_view what);

}  // namespace pipescale::engine::config_detail
