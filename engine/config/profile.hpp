#pragma once
// Latency profiles: reading a batch_size,latency_ms CSV file, and checking the shape of the
// points however they were written (in the CSV or inline in the config). The rules are
// roles/common/latency_profile.hpp's own (profile_value_problem, profile_order_problem), applied
// here up front so that a bad profile stops the run before any process starts.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.hpp"

namespace pipescale::engine::config_detail {

// Reads a batch_size,latency_ms CSV file in the dialect of base/csv/numeric_csv.hpp (shared
// with workload traces and with the roles' LatencyProfile, so that a file the config accepts is a
// file the Workers read the same way); a file whose first row has three fields is read as
// batch_size,latency_ms,p99_ms, and `p99` receives (batch_size, p99_ms) of each point. A file
// that is not such a CSV is one problem; so is each row whose values are out of range. `lines`
// receives the line number of each point read. Every problem reads "PATH:LINE: ...".
std::vector<ProfilePoint> read_profile_csv(const std::filesystem::path& path, std::vector<std::size_t>& lines,
                                           std::vector<ProfilePoint>& p99, std::vector<std::string>& problems);

// What is wrong with a point's p99_ms given its median ("" when nothing): at least the median.
std::string p99_problem(const ProfilePoint& median, double p99_ms);

struct ShapeProblem {
  std::size_t index;  // the point at fault
  std::string problem;
};

// The order rules over the points (roles::profile_order_problem): the first batch size is 1,
// batch sizes strictly increase, latencies do not fall as batches grow.
std::vector<ShapeProblem> profile_shape_problems(const std::vector<ProfilePoint>& points);

}  // namespace pipescale::engine::config_detail
