#include "engine/config/validate.hpp"

#include <algorithm>

#include "engine/config/config_loader.hpp"
#include "engine/config/config_tree.hpp"
#include "engine/config/fault_target.hpp"

namespace pipescale::engine {
namespace {

using config_detail::format_double;

std::string describe_stage(const StageConfig& stage) {
  const auto [fastest, slowest] = std::minmax_element(stage.profile.begin(), stage.profile.end(),
                                                      [](const auto& a, const auto& b) { return a.second < b.second; });
  const std::string workers = stage.workers_min == stage.workers_max
                                  ? std::to_string(stage.workers_min)
                                  : std::to_string(stage.workers_min) + " to " + std::to_string(stage.workers_max);
  std::string text = stage.name + " (" + workers + (stage.workers_max == 1 ? " Worker" : " Workers") +
                     ", batches of up to " + std::to_string(stage.max_batch);
  if (!stage.profile.empty()) {
    text += ", " + format_double(fastest->second) + " to " + format_double(slowest->second) + " ms per batch";
  }
  if (stage.batching != "deadline") text += ", batching " + stage.batching;
  if (stage.dispatch != "least_loaded") text += ", dispatch " + stage.dispatch;
  if (stage.drop != "deadline") text += ", drop " + stage.drop;
  return text + ")";
}

std::string describe_workload(const ClientConfig& client) {
  if (client.mode == ClientMode::kClosed) {
    return "The Client runs a closed loop of " + std::to_string(client.users) + " users, each thinking " +
           format_double(client.think_ms) + " ms on average between a reply and its next request,";
  }
  std::string text = "The Client replays " + client.trace_path.string() + " (" +
                     std::string(trace_format_name(client.trace_format)) + ")";
  if (client.trace_format == TraceFormat::kRequests || client.trace_format == TraceFormat::kAzureLlm) {
    text += " at its own times";
  } else {
    text += " with " + std::string(arrival_name(client.arrival)) + " arrivals";
    if (client.arrival == Arrival::kGamma) text += " (cv " + format_double(client.arrival_cv) + ")";
  }
  if (client.rate_scale != 1.0) text += " at " + format_double(client.rate_scale) + "x its rates";
  if (client.start_s > 0.0 || client.duration_s > 0.0) {
    text += ", the window from " + format_double(client.start_s) + " s" +
            (client.duration_s > 0.0 ? ", " + format_double(client.duration_s) + " s long" : std::string(" on"));
  }
  if (client.time_scale != 1.0) text += ", its time scaled by " + format_double(client.time_scale);
  return text;
}

std::string describe_client(const PipelineConfig& config) {
  std::string text = describe_workload(config.client);
  text += " for " + format_double(config.run.duration_s) + " s";
  if (config.run.warmup_s > 0.0) text += " (the first " + format_double(config.run.warmup_s) + " s not measured)";
  return text + ", seed " + std::to_string(config.run.seed) + ", over " +
         (config.run.transport == Transport::kShm ? "shared memory" : "gRPC") + ".";
}

std::string describe_scheduler(const SchedulerConfig& scheduler) {
  if (!scheduler.enabled) return "The Scheduler is off: batch sizes and Worker counts stay as they start.";
  const std::string forecast = scheduler.policy == "predictive"
                                   ? " for a Holt forecast one warm-up ahead (alpha " +
                                         format_double(scheduler.forecast_alpha) + ", beta " +
                                         format_double(scheduler.forecast_beta) + ")"
                                   : "";
  return "The Scheduler (" + scheduler.policy + ") resizes batches and Workers" + forecast + " every " +
         format_double(scheduler.interval_ms) + " ms with headroom " + format_double(scheduler.headroom) +
         ", scaling down after " + format_double(scheduler.scale_down_delay_s) + " s of lower load.";
}

}  // namespace

std::string summarize(const PipelineConfig& config) {
  std::string text = std::to_string(config.stages.size()) + (config.stages.size() == 1 ? " stage: " : " stages: ");
  for (std::size_t i = 0; i < config.stages.size(); ++i) {
    text += (i == 0 ? "" : " -> ") + describe_stage(config.stages[i]);
  }
  text += ". End-to-end SLO " + format_double(config.run.slo_ms) + " ms. ";
  text += describe_client(config) + " " + describe_scheduler(config.scheduler);
  for (std::size_t i = 0; i < config.faults.size(); ++i) {
    const FaultConfig& fault = config.faults[i];
    text += (i == 0 ? " Faults: " : "; ") + std::string(fault_action_name(fault.action)) + " " +
            resolve_fault_target(config, i) + " at " + format_double(fault.at_s) + " s";
    if (fault.action == FaultAction::kSlow) text += " (x" + format_double(fault.factor) + ")";
    if (fault.action != FaultAction::kKill) text += " for " + format_double(fault.duration_s) + " s";
  }
  return text + (config.faults.empty() ? "" : ".");
}

Validation validate_config(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  ConfigReport report = read_config(path, overrides);
  if (!report.config) return {std::move(report.errors), {}};
  return {{}, summarize(*report.config)};
}

}  // namespace pipescale::engine
