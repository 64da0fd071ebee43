#include "engine/config/sections.hpp"

#include <system_error>

#include <fstream>

#include "roles/scheduler/scaling_policy.hpp"

namespace pipescale::engine::config_detail {
namespace {

constexpr NumberRule kDurationS{0.0, false, kMaxDurationS, "a positive number of seconds, at most 604800 (a week)"};
constexpr NumberRule kDelayS{0.0, true, kMaxDurationS, "a number of seconds from 0 to 604800 (a week)"};
constexpr NumberRule kPositiveMs{0.0, false, kMaxLatencyMs, "a positive number of milliseconds, at most 3600000"};

std::filesystem::path resolve(const ConfigNode& node, const std::filesystem::path& config_dir) {
  const std::filesystem::path written(node.text);
  if (written.is_absolute()) return written.lexically_normal();
  std::error_code error;
  const std::filesystem::path base = node.origin.is_override ? std::filesystem::current_path(error) : config_dir;
  return (base / written).lexically_normal();
}

// enabled = false is the older spelling of policy = "static": the two agree, or the file is refused.
void reconcile_enabled(const ConfigNode* table, SchedulerConfig& scheduler, TableReader& reader) {
  const ConfigNode* policy = table == nullptr ? nullptr : table->find("policy");
  const ConfigNode* enabled = table == nullptr ? nullptr : table->find("enabled");
  if (enabled != nullptr && !scheduler.enabled && policy == nullptr) scheduler.policy = "static";
  if (enabled != nullptr && !scheduler.enabled && scheduler.policy != "static") {
    reader.fail(
        "enabled", *enabled,
        "true with scheduler.policy = \"" + scheduler.policy + "\" (enabled = false means policy = \"static\")");
  }
  scheduler.enabled = scheduler.policy != "static";
}

}  // namespace

const ConfigNode* section(TableReader& parent, std::string_view key) {
  const ConfigNode* node = parent.take(key);
  if (node == nullptr || node->is_table()) return node;
  parent.fail(key, *node, "a table [" + std::string(key) + "]");
  return nullptr;
}

std::optional<std::filesystem::path> input_file(TableReader& reader, std::string_view key, const ConfigNode& node,
                                                std::string_view what) {
  if (node.kind != ConfigNode::Kind::kString || node.text.empty()) {
    reader.fail(key, node, "the path of " + std::string(what) + " as a string");
    return std::nullopt;
  }
  const std::filesystem::path resolved = resolve(node, reader.context().config_dir);
  std::error_code error;
  const auto status = std::filesystem::status(resolved, error);
  std::string problem;
  if (!std::filesystem::exists(status)) {
    problem = "no such file";
  } else if (std::filesystem::is_directory(status)) {
    problem = "it is a directory";
  } else if (!std::ifstream(resolved).is_open()) {
    problem = "it cannot be opened for reading";
  } else {
    return resolved;
  }
  reader.context().errors.at(reader.key_path(key), node.origin,
                             "expected an existing " + std::string(what) + ", got " + describe(node) +
                                 " (resolved to " + resolved.string() + "): " + problem);
  return std::nullopt;
}

void read_run(const ConfigNode* table, RunConfig& run, ReadContext& context) {
  TableReader reader(table, "run", "run", context);
  reader.number("duration_s", run.duration_s, kDurationS);
  reader.whole("seed", run.seed, "a whole number from 0 to 9223372036854775807");
  reader.number("slo_ms", run.slo_ms, kPositiveMs);
  reader.choice("transport", run.transport, kTransportNames);
  reader.number("warmup_s", run.warmup_s, kDelayS);
  reader.number("request_log_sample", run.request_log_sample,
                {0.0, true, 1.0, "a fraction from 0 to 1 (1 logs every request, 0 none)"});
  reader.number("trace_sample", run.trace_sample,
                {0.0, true, 1.0, "a fraction from 0 to 1 of the requests drawn in trace.json"});
  reader.whole("metrics_port", run.metrics_port, 0, 65535, "a TCP port from 1 to 65535, or 0 for no metrics endpoint");
  reader.number("metrics_linger_s", run.metrics_linger_s, {0.0, true, 3600.0, "a number of seconds from 0 to 3600"});
  reader.number("liveness_timeout_ms", run.liveness_timeout_ms,
                {50.0, true, 60000.0, "a number of milliseconds from 50 to 60000"});
  reader.choice("on_role_failure", run.on_role_failure, kOnRoleFailureNames);
  if (run.warmup_s >= run.duration_s && table != nullptr) {
    if (const ConfigNode* warmup = table->find("warmup_s")) {
      reader.fail("warmup_s", *warmup,
                  "a number of seconds below run.duration_s (" + format_double(run.duration_s) + ")");
    }
  }
}

void read_scheduler(const ConfigNode* table, SchedulerConfig& scheduler, ReadContext& context) {
  TableReader reader(table, "scheduler", "scheduler", context);
  reader.flag("enabled", scheduler.enabled);
  reader.number("interval_ms", scheduler.interval_ms, kPositiveMs);
  reader.number("headroom", scheduler.headroom,
                {1.0, true, 100.0, "a number from 1 to 100 (1.2 keeps 20% spare capacity)"});
  reader.number("scale_down_delay_s", scheduler.scale_down_delay_s, kDelayS);
  reader.name("policy", scheduler.policy, roles::scaling_policy_names());
  reader.number("forecast_alpha", scheduler.forecast_alpha, {0.0, false, 1.0, "a number in (0, 1]"});
  reader.number("forecast_beta", scheduler.forecast_beta, {0.0, false, 1.0, "a number in (0, 1]"});
  reconcile_enabled(table, scheduler, reader);
}

void read_simulate(const ConfigNode* table, SimulateConfig& simulate, ReadContext& context) {
  TableReader reader(table, "simulate", "simulate", context);
  reader.number("hop_delay_us", simulate.hop_delay_us,
                {0.0, true, 1e6, "a number of microseconds from 0 to 1000000 (0: messages cost nothing)"});
}

}  // namespace pipescale::engine::config_detail
