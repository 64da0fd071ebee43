// The config loader with --set over arbitrary text: everything before the first line "--set" is
// the TOML file, each line after it one KEY=VALUE override. Bad input is a list of problems,
// each naming the key; never a crash, a hang or a config that passes with an impossible value.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipescale::engine;
  if (size > 16384) return 0;  // a config is small; longer inputs only slow the search
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("pipescale-fuzz-config." + std::to_string(getpid()) + ".toml");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t split = text.find("\n--set\n");
  const std::string_view file = text.substr(0, split);
  std::vector<std::string> overrides;
  if (split != std::string_view::npos) {
    std::string_view rest = text.substr(split + 7);
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      overrides.emplace_back(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
  }
  const ConfigReport report = read_config(path, overrides);
  if (report.config.has_value() == !report.errors.empty()) __builtin_trap();  // exactly one of the two
  return 0;
}
