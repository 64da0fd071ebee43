#include "engine/simulate/sweep_plan.hpp"

#include <algorithm>
#include <cstdio>

namespace pipescale::engine {

Status check_sweep_params(const std::vector<SweepParam>& params) {
  if (params.empty()) return Error{"--param: expected at least one key, e.g. --param client.rate_scale"};
  for (std::size_t p = 0; p < params.size(); ++p) {
    const SweepParam& param = params[p];
    if (param.key.empty()) return Error{"--param " + std::to_string(p + 1) + ": the key is empty"};
    if (param.values.empty()) {
      return Error{"--values for " + param.key + ": expected at least one value, e.g. --values 0.5,1,1.5,2"};
    }
    for (std::size_t v = 0; v < param.values.size(); ++v) {
      if (param.values[v].empty()) {
        return Error{"--values for " + param.key + ": value " + std::to_string(v + 1) + " is empty"};
      }
    }
    for (std::size_t q = 0; q < p; ++q) {
      if (params[q].key == param.key) return Error{"--param " + param.key + " is given twice: list its values once"};
    }
  }
  return Ok{};
}

std::vector<std::vector<std::string>> sweep_grid(const std::vector<SweepParam>& params) {
  std::vector<std::vector<std::string>> points{{}};
  for (const SweepParam& param : params) {
    std::vector<std::vector<std::string>> longer;
    longer.reserve(points.size() * param.values.size());
    for (const auto& point : points) {
      for (const std::string& value : param.values) {
        longer.push_back(point);
        longer.back().push_back(value);
      }
    }
    points = std::move(longer);
  }
  if (params.empty()) points.clear();
  return points;
}

std::vector<std::string> sweep_assignments(const std::vector<SweepParam>& params,
                                           const std::vector<std::string>& values) {
  std::vector<std::string> assignments;
  for (std::size_t k = 0; k < params.size() && k < values.size(); ++k) {
    assignments.push_back(params[k].key + "=" + values[k]);
  }
  return assignments;
}

std::string sweep_point_name(const std::vector<SweepParam>& params, const std::vector<std::string>& values) {
  std::string name;
  for (const std::string& assignment : sweep_assignments(params, values)) {
    name.append(name.empty() ? "" : " ").append(assignment);
  }
  return name;
}

std::string sweep_run_folder(std::size_t index, std::size_t count, const std::vector<std::string>& values) {
  const int width = static_cast<int>(std::to_string(count).size());
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%0*zu-", std::max(width, 2), index + 1);
  std::string name = prefix;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (k > 0) name += '_';
    for (const char c : values[k]) {
      const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_';
      name += safe ? c : '_';
    }
  }
  return name;
}

std::filesystem::path sweep_run_dir(const std::filesystem::path& dir, std::size_t index, std::size_t count,
                                    const std::vector<std::string>& values, std::size_t replications,
                                    std::uint64_t seed) {
  const std::filesystem::path point = dir / sweep_run_folder(index, count, values);
  return replications > 1 ? point / ("seed-" + std::to_string(seed)) : point;
}

}  // namespace pipescale::engine
