#pragma once
// sweep.csv: one row per run of a sweep over one config key, the figures that show where a
// pipeline stops meeting its SLO. scripts/plot draws it (sweep.png); engine/runtime/README.md
// lists every column.
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/runtime/run_summary.hpp"

namespace pipescale::engine {

struct SweepPoint {
  std::string value;  // the swept key's value as given ("1.5", "grpc")
  std::filesystem::path run_dir;
  RunSummary summary;
};

// Writes the header and one row per point, in the order given. `param` is the swept key
// ("client.rate_scale"), the first column's name. The per-stage columns follow the first point's
// stages. Numbers have fixed decimals, so the same summaries give the same bytes.
Status write_sweep_csv(const std::filesystem::path& path, const std::string& param,
                       const std::vector<SweepPoint>& points);

}  // namespace pipescale::engine
