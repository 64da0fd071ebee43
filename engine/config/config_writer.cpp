#include "engine/config/config_writer.hpp"

#include <cstdio>
#include <sstream>

#include "engine/config/config_tree.hpp"
#include "engine/placement/cpu_list.hpp"

namespace pipescale::engine {
namespace {

constexpr std::size_t kPointsPerCommentLine = 8;

// A TOML basic string: quotes, backslashes and control characters escaped, UTF-8 kept as is.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(byte));
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A TOML float: always with a '.' or an exponent, so that it reads back as a float.
std::string floating(double value) {
  std::string text = config_detail::format_double(value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

void write_run(std::ostream& out, const RunConfig& run) {
  out << "[run]\n"
      << "duration_s = " << floating(run.duration_s) << "\n"
      << "seed = " << run.seed << "\n"
      << "slo_ms = " << floating(run.slo_ms) << "\n"
      << "transport = " << quoted(std::string(transport_name(run.transport))) << "\n"
      << "warmup_s = " << floating(run.warmup_s) << "\n"
      << "request_log_sample = " << floating(run.request_log_sample) << "\n"
      << "trace_sample = " << floating(run.trace_sample) << "\n"
      << "metrics_port = " << run.metrics_port << "\n"
      << "metrics_linger_s = " << floating(run.metrics_linger_s) << "\n"
      << "liveness_timeout_ms = " << floating(run.liveness_timeout_ms) << "\n"
      << "on_role_failure = " << quoted(std::string(on_role_failure_name(run.on_role_failure))) << "\n";
}

void write_trace_functions(std::ostream& out, const ClientConfig& client) {
  if (client.trace_top_functions > 0) {
    out << "trace_functions = \"top:" << client.trace_top_functions << "\"\n";
  } else if (!client.trace_functions.empty()) {
    out << "trace_functions = [";
    for (std::size_t i = 0; i < client.trace_functions.size(); ++i) {
      out << (i == 0 ? "" : ", ") << quoted(client.trace_functions[i]);
    }
    out << "]\n";
  }
}

void write_client(std::ostream& out, const ClientConfig& client) {
  out << "\n[client]\n"
      << "mode = " << quoted(std::string(client_mode_name(client.mode))) << "\n";
  // A closed-loop config may have no trace.
  if (!client.trace_path.empty()) out << "trace_path = " << quoted(client.trace_path.string()) << "\n";
  out << "trace_format = " << quoted(std::string(trace_format_name(client.trace_format))) << "\n";
  write_trace_functions(out, client);
  out << "time_scale = " << floating(client.time_scale) << "\n"
      << "start_s = " << floating(client.start_s) << "\n"
      << "duration_s = " << floating(client.duration_s) << "\n"
      << "repeat = " << (client.repeat ? "true" : "false") << "\n"
      << "arrival = " << quoted(std::string(arrival_name(client.arrival))) << "\n"
      << "arrival_cv = " << floating(client.arrival_cv) << "\n"
      << "rate_scale = " << floating(client.rate_scale) << "\n"
      << "users = " << client.users << "\n"
      << "think_ms = " << floating(client.think_ms) << "\n";
}

void write_scheduler(std::ostream& out, const SchedulerConfig& scheduler) {
  out << "\n[scheduler]\n"
      << "policy = " << quoted(scheduler.policy) << "\n"
      << "enabled = " << (scheduler.enabled ? "true" : "false") << "\n"
      << "interval_ms = " << floating(scheduler.interval_ms) << "\n"
      << "headroom = " << floating(scheduler.headroom) << "\n"
      << "scale_down_delay_s = " << floating(scheduler.scale_down_delay_s) << "\n"
      << "forecast_alpha = " << floating(scheduler.forecast_alpha) << "\n"
      << "forecast_beta = " << floating(scheduler.forecast_beta) << "\n";
}

void write_process_placement(std::ostream& out, const ProcessPlacementConfig& placement) {
  out << "numa_node = " << placement.numa_node << "\n"
      << "cpus = " << quoted(format_cpu_list(placement.cpus)) << "\n"
      << "dedicated = " << (placement.dedicated ? "true" : "false") << "\n";
}

void write_placement(std::ostream& out, const PlacementConfig& placement) {
  out << "\n[placement]\n"
      << "policy = " << quoted(std::string(policy_name(placement.policy))) << "\n"
      << "smt = " << quoted(std::string(smt_name(placement.smt))) << "\n"
      << "\n[placement.client]\n";
  write_process_placement(out, placement.client);
  out << "\n[placement.scheduler]\n";
  write_process_placement(out, placement.scheduler);
}

void write_profile(std::ostream& out, const StageConfig& stage) {
  if (stage.profile_path.empty() && stage.latency_samples_path.empty()) {
    out << "profile = [\n";
    for (std::size_t i = 0; i < stage.profile.size(); ++i) {
      out << "  { batch_size = " << stage.profile[i].first << ", latency_ms = " << floating(stage.profile[i].second);
      if (i < stage.profile_p99.size()) out << ", p99_ms = " << floating(stage.profile_p99[i].second);
      out << " },\n";
    }
    out << "]\n";
    return;
  }
  if (stage.latency_samples_path.empty()) {
    out << "profile_path = " << quoted(stage.profile_path.string()) << "\n"
        << "# the profile read from that file (batch_size: latency_ms" << (stage.profile_p99.empty() ? "" : " p99_ms")
        << "):";
  } else {
    out << "latency_samples_path = " << quoted(stage.latency_samples_path.string()) << "\n"
        << "# the samples' medians (batch_size: latency_ms):";
  }
  for (std::size_t i = 0; i < stage.profile.size(); ++i) {
    out << (i % kPointsPerCommentLine == 0 ? "\n#  " : ",") << " " << stage.profile[i].first << ": "
        << floating(stage.profile[i].second);
    if (i < stage.profile_p99.size()) out << " " << floating(stage.profile_p99[i].second);
  }
  out << "\n";
}

void write_stage(std::ostream& out, const StageConfig& stage) {
  out << "\n[[stages]]\n"
      << "name = " << quoted(stage.name) << "\n";
  write_profile(out, stage);
  out << "workers_min = " << stage.workers_min << "\n"
      << "workers_max = " << stage.workers_max << "\n"
      << "max_batch = " << stage.max_batch << "\n"
      << "warmup_ms = " << floating(stage.warmup_ms) << "\n"
      << "batching = " << quoted(stage.batching) << "\n"
      << "dispatch = " << quoted(stage.dispatch) << "\n"
      << "drop = " << quoted(stage.drop) << "\n"
      << "max_queue_delay_us = " << floating(stage.max_queue_delay_us) << "\n"
      << "aimd_backoff = " << floating(stage.aimd_backoff) << "\n";
  write_process_placement(out, stage.placement);
}

void write_fault(std::ostream& out, const FaultConfig& fault) {
  out << "\n[[faults]]\n"
      << "at_s = " << floating(fault.at_s) << "\n"
      << "target = " << quoted(fault.target) << "\n"
      << "action = " << quoted(std::string(fault_action_name(fault.action))) << "\n";
  if (fault.action != FaultAction::kKill) out << "duration_s = " << floating(fault.duration_s) << "\n";
  if (fault.action == FaultAction::kSlow) out << "factor = " << floating(fault.factor) << "\n";
}

}  // namespace

std::string to_toml(const PipelineConfig& config) {
  std::ostringstream out;
  out << "# The effective pipescale config: every key, defaults included, paths absolute.\n";
  if (!config.source_path.empty()) out << "# Read from " << quoted(config.source_path.string()) << ".\n";
  out << "\n";
  write_run(out, config.run);
  write_client(out, config.client);
  write_scheduler(out, config.scheduler);
  write_placement(out, config.placement);
  out << "\n[simulate]\n"
      << "hop_delay_us = " << floating(config.simulate.hop_delay_us) << "\n";
  for (const StageConfig& stage : config.stages) write_stage(out, stage);
  for (const FaultConfig& fault : config.faults) write_fault(out, fault);
  return out.str();
}

}  // namespace pipescale::engine
