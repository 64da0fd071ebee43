// The [[faults]] array: what a study injects into a run, when, and into what
// (engine/config/README.md, "Faults"; fault_target.hpp for the targets).
#include <string>

#include "engine/config/fault_target.hpp"
#include "engine/config/sections.hpp"

namespace pipescale::engine::config_detail {
namespace {

constexpr std::string_view kDurationExpectation = "a positive number of seconds, at most 604800 (a week)";
constexpr std::string_view kFactorExpectation =
    "a number from 0.01 to 1000 that multiplies the Worker's model time (2: twice as slow)";

bool has_duration(FaultAction action) { return action != FaultAction::kKill; }

// duration_s and factor: required where the action uses them, refused where it does not.
void read_parameters(TableReader& reader, const ConfigNode& table, FaultConfig& fault) {
  const std::string action = std::string(fault_action_name(fault.action));
  if (has_duration(fault.action)) {
    reader.number("duration_s", fault.duration_s, {0.0, false, kMaxDurationS, kDurationExpectation});
    if (table.find("duration_s") == nullptr) reader.missing("duration_s", kDurationExpectation);
  } else if (const ConfigNode* duration = reader.take("duration_s")) {
    reader.fail("duration_s", *duration, "no duration_s with action = \"kill\" (a kill lasts)");
  }
  if (fault.action == FaultAction::kSlow) {
    reader.number("factor", fault.factor, {kMinSlowFactor, true, kMaxSlowFactor, kFactorExpectation});
    if (table.find("factor") == nullptr) reader.missing("factor", kFactorExpectation);
  } else if (const ConfigNode* factor = reader.take("factor")) {
    reader.fail("factor", *factor, "no factor with action = \"" + action + "\" (only \"slow\" has one)");
  }
}

void read_fault(const ConfigNode& table, const std::string& path, const PipelineConfig& config, FaultConfig& fault,
                ReadContext& context) {
  TableReader reader(&table, "faults", path, context);
  const std::string at_expectation =
      "a number of seconds from 0 to below run.duration_s (" + format_double(config.run.duration_s) + ")";
  reader.number("at_s", fault.at_s, {0.0, true, kMaxDurationS, at_expectation});
  if (const ConfigNode* at = table.find("at_s"); at == nullptr) {
    reader.missing("at_s", at_expectation);
  } else if (fault.at_s >= config.run.duration_s) {
    reader.fail("at_s", *at, at_expectation);
  }
  const ConfigNode* action = table.find("action");
  reader.choice("action", fault.action, kFaultActionNames);
  if (action == nullptr) reader.missing("action", "one of \"kill\", \"stop\", \"slow\", \"drop_link\"");
  constexpr std::string_view kTargetExpectation = "a process, \"stages.<name>.worker\" or a link, as a string";
  reader.text("target", fault.target, kTargetExpectation);
  const ConfigNode* target = table.find("target");
  if (target == nullptr) reader.missing("target", kTargetExpectation);
  read_parameters(reader, table, fault);
  if (target != nullptr && target->kind == ConfigNode::Kind::kString) {
    if (const std::string problem = fault_target_problem(config, fault); !problem.empty()) {
      reader.fail("target", *target, problem);
    }
  }
  if (fault.action == FaultAction::kDropLink && config.run.transport == Transport::kGrpc && action != nullptr) {
    reader.fail("action", *action,
                "kill, stop or slow with run.transport = \"grpc\" (drop_link needs the shared-memory rings' "
                "connection flag)");
  }
}

}  // namespace

void read_faults(TableReader& top, PipelineConfig& config, ReadContext& context) {
  const ConfigNode* array = top.take("faults");
  if (array == nullptr) return;
  if (!array->is_array()) return top.fail("faults", *array, "an array of [[faults]] tables");
  for (std::size_t i = 0; i < array->children.size(); ++i) {
    const ConfigNode& item = array->children[i];
    const std::string path = "faults." + std::to_string(i + 1);
    if (!item.is_table()) {
      context.errors.at(path, item.origin, "expected a [[faults]] table, got " + describe(item));
      continue;
    }
    FaultConfig fault;
    read_fault(item, path, config, fault, context);
    config.faults.push_back(std::move(fault));
  }
}

}  // namespace pipescale::engine::config_detail
