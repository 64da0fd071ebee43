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
      << "metrics_port = " << run.metrics_port << "\n"
      << "metrics_linger_s = " << floating(run.metrics_linger_s) << "\n";
}

void write_client(std::ostream& out, const ClientConfig& client) {
  out << "\n[client]\n"
      << "trace_path = " << quoted(client.trace_path.string()) << "\n"
      << "arrival = " << quoted(std::string(arrival_name(client.arrival))) << "\n"
      << "arrival_cv = " << floating(client.arrival_cv) << "\n"
      << "rate_scale = " << floating(client.rate_scale) << "\n";
}

void write_scheduler(std::ostream& out, const SchedulerConfig& scheduler) {
  out << "\n[scheduler]\n"
      << "enabled = " << (scheduler.enabled ? "true" : "false") << "\n"
      << "interval_ms = " << floating(scheduler.interval_ms) << "\n"
      << "headroom = " << floating(scheduler.headroom) << "\n"
      << "scale_down_delay_s = " << floating(scheduler.scale_down_delay_s) << "\n";
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
  if (stage.profile_path.empty()) {
    out << "profile = [\n";
    for (const auto& [batch_size, latency_ms] : stage.profile) {
      out << "  { batch_size = " << batch_size << ", latency_ms = " << floating(latency_ms) << " },\n";
    }
    out << "]\n";
    return;
  }
  out << "profile_path = " << quoted(stage.profile_path.string()) << "\n"
      << "# the profile read from that file (batch_size: latency_ms):";
  for (std::size_t i = 0; i < stage.profile.size(); ++i) {
    out << (i % kPointsPerCommentLine == 0 ? "\n#  " : ",") << " " << stage.profile[i].first << ": "
        << floating(stage.profile[i].second);
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
      << "drop = " << quoted(std::string(drop_rule_name(stage.drop))) << "\n";
  write_process_placement(out, stage.placement);
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
  return out.str();
}

}  // namespace pipescale::engine
