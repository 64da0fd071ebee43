#pragma once
// `pipescale plan`: the placement a config would get, on this machine or on another topology,
// printed for a person or as JSON. Nothing is started.
#include <filesystem>
#include <string>
#include <vector>

namespace pipescale::engine {

struct PlanOptions {
  std::filesystem::path config;
  std::vector<std::string> overrides;  // --set KEY=VALUE
  std::string topology;                // "": this machine; else a synthetic description or an XML file
  bool json = false;
};

// Exit status: 0 printed, 2 a bad config, topology or placement request (the message names it).
int print_plan(const PlanOptions& options);

}  // namespace pipescale::engine
