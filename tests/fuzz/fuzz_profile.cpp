// The latency profile reader (batch_size,latency_ms[,p99_ms] CSV) over arbitrary text: problems
// name the file and line; the points it returns then pass through the shape checks.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/config/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipescale::engine;
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("pipescale-fuzz-profile." + std::to_string(getpid()) + ".csv");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::vector<std::size_t> lines;
  std::vector<ProfilePoint> p99;
  std::vector<std::string> problems;
  const auto points = config_detail::read_profile_csv(path, lines, p99, problems);
  if (problems.empty()) (void)config_detail::profile_shape_problems(points);
  return 0;
}
