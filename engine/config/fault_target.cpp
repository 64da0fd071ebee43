#include "engine/config/fault_target.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace pipescale::engine {
namespace {

constexpr std::string_view kStagePrefix = "stages.";
constexpr std::string_view kAnyWorker = ".worker";

std::string frontend(std::size_t stage) { return "frontend" + std::to_string(stage); }
std::string worker(std::size_t stage, int index) {
  return "worker" + std::to_string(stage) + "." + std::to_string(index);
}

// The stage whose name `target` carries as "stages.<name>.worker"; -1 when it is not that form
// or names no stage.
int any_worker_stage(const PipelineConfig& config, std::string_view target) {
  if (target.size() <= kStagePrefix.size() + kAnyWorker.size() ||
      target.substr(0, kStagePrefix.size()) != kStagePrefix ||
      target.substr(target.size() - kAnyWorker.size()) != kAnyWorker) {
    return -1;
  }
  const std::string_view name =
      target.substr(kStagePrefix.size(), target.size() - kStagePrefix.size() - kAnyWorker.size());
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    if (config.stages[s].name == name) return static_cast<int>(s);
  }
  return -1;
}

bool is_worker(const PipelineConfig& config, std::string_view name) {
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    for (int i = 0; i < config.stages[s].workers_max; ++i) {
      if (name == worker(s, i)) return true;
    }
  }
  return false;
}

bool is_process(const PipelineConfig& config, std::string_view name) {
  if (name == "client" || name == "scheduler" || is_worker(config, name)) return true;
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    if (name == frontend(s)) return true;
  }
  return false;
}

// The links of topology.hpp, derived alike: who calls whom.
bool is_link(const PipelineConfig& config, std::string_view name) {
  const std::size_t stages = config.stages.size();
  std::vector<std::string> links = {"client-" + frontend(0)};
  for (std::size_t s = 0; s < stages; ++s) {
    for (int i = 0; i < config.stages[s].workers_max; ++i) {
      const std::string w = worker(s, i);
      links.push_back(frontend(s) + "-" + w);
      links.push_back(w + "-" + frontend(s));
      links.push_back(w + "-" + (s + 1 < stages ? frontend(s + 1) : std::string("client")));
      if (s + 1 < stages) links.push_back(w + "-client");
    }
    links.push_back(frontend(s) + "-client");
    links.push_back(frontend(s) + "-scheduler");
    links.push_back("scheduler-" + frontend(s));
  }
  for (const std::string& link : links) {
    if (link == name) return true;
  }
  return false;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

}  // namespace

std::string fault_target_problem(const PipelineConfig& config, const FaultConfig& fault) {
  const std::string& target = fault.target;
  if (fault.action == FaultAction::kDropLink) {
    if (is_link(config, target)) return "";
    return "a link \"<caller>-<callee>\" of this pipeline, such as \"frontend0-worker0.0\" or \"client-frontend0\"";
  }
  if (any_worker_stage(config, target) >= 0) return "";
  if (fault.action == FaultAction::kSlow) {
    if (is_worker(config, target)) return "";
    return "a Worker of this pipeline (\"worker<stage>.<index>\", both from 0, index below the stage's workers_max) "
           "or \"stages.<name>.worker\"";
  }
  if (is_process(config, target)) return "";
  return "a process of this pipeline (\"client\", \"scheduler\", \"frontend<stage>\", \"worker<stage>.<index>\", "
         "stage and index from 0) or \"stages.<name>.worker\"";
}

std::string resolve_fault_target(const PipelineConfig& config, std::size_t index) {
  const FaultConfig& fault = config.faults.at(index);
  const int stage = any_worker_stage(config, fault.target);
  if (stage < 0) return fault.target;
  const auto candidates = static_cast<std::uint64_t>(config.stages[static_cast<std::size_t>(stage)].workers_min);
  const std::uint64_t pick = mix(config.run.seed ^ mix(index)) % candidates;
  return worker(static_cast<std::size_t>(stage), static_cast<int>(pick));
}

}  // namespace pipescale::engine
