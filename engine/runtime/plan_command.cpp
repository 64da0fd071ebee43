#include "engine/runtime/plan_command.hpp"

#include <cstdio>

#include "engine/config/config_loader.hpp"
#include "engine/placement/machine.hpp"
#include "engine/runtime/placement_plan.hpp"
#include "engine/runtime/topology.hpp"

namespace pipescale::engine {

int print_plan(const PlanOptions& options) {
  constexpr int kBadInput = 2;
  const ConfigReport report = read_config(options.config, options.overrides);
  if (!report.config) {
    for (const std::string& error : report.errors) std::fprintf(stderr, "error: %s\n", error.c_str());
    return kBadInput;
  }
  const PipelineConfig& config = *report.config;
  const Topology topology = make_topology(config);
  auto machine = load_machine(options.topology);
  if (!machine) {
    std::fprintf(stderr, "pipescale plan: --topology: %s\n", machine.error().message.c_str());
    return kBadInput;
  }
  auto plan = plan_run(config, topology, std::move(*machine));
  if (!plan) {
    std::fprintf(stderr, "pipescale plan: placement: %s\n", plan.error().message.c_str());
    return kBadInput;
  }
  if (options.json) {
    JsonWriter json;
    json.begin_object();
    write_plan_json(json, *plan, config);
    json.end_object();
    std::printf("%s\n", json.str().c_str());
  } else {
    std::printf("%s", plan_text(*plan, config).c_str());
  }
  return 0;
}

}  // namespace pipescale::engine
