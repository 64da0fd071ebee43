#pragma once
// What a sweep will run, before it runs anything: the grid of the swept keys' values, each
// point's --set assignments, and the folder of each run. Pure functions, so that the grid and the
// names are tested without running a pipeline.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

// One swept key and its values, in sweep order (--param KEY --values V1,V2,...).
struct SweepParam {
  std::string key;  // as --set spells it: "client.rate_scale", "stages.detect.drop"
  std::vector<std::string> values;
};

// Error naming the problem: no key, a key without values, an empty value, a key given twice.
Status check_sweep_params(const std::vector<SweepParam>& params);

// Every combination of the values, the first key's varying slowest: {a,b} x {1,2} gives
// (a,1) (a,2) (b,1) (b,2). Each point holds one value per key, in key order.
std::vector<std::vector<std::string>> sweep_grid(const std::vector<SweepParam>& params);

// "KEY=VALUE" per key, for --set.
std::vector<std::string> sweep_assignments(const std::vector<SweepParam>& params,
                                           const std::vector<std::string>& values);

// "k1=v1 k2=v2": how a progress line and a table name a point.
std::string sweep_point_name(const std::vector<SweepParam>& params, const std::vector<std::string>& values);

// The folder of the index-th point (from 0) of `count`: "03-1.5", the values joined by '_' and
// made safe for a file name (anything but letters, digits, '.', '-' and '_' becomes '_').
std::string sweep_run_folder(std::size_t index, std::size_t count, const std::vector<std::string>& values);

// A run's folder under the sweep's `dir`: the point's folder itself with one replication,
// "<point>/seed-<seed>" with several.
std::filesystem::path sweep_run_dir(const std::filesystem::path& dir, std::size_t index, std::size_t count,
                                    const std::vector<std::string>& values, std::size_t replications,
                                    std::uint64_t seed);

}  // namespace pipescale::engine
