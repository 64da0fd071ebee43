#include "engine/runtime/metrics_exposition.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "base/metrics/latency_histogram.hpp"

namespace pipescale::engine {
namespace {

constexpr std::array<const char*, roles::kDropReasonCount> kReasonNames{
    "none", "deadline_unreachable", "deadline_expired", "queue_full", "shutting_down"};
// Multiples of the SLO: fine around it, where attainment is decided, coarse in the tail.
constexpr std::array<double, 12> kSloFactors{0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0};
constexpr std::array<const char*, 4> kRunPhaseNames{"setup", "prepare", "run", "stop"};

std::string number(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

// Appends families of samples: HELP and TYPE once per family, then its samples.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  // `labels` is the inside of the braces, already escaped (`stage="detect"`), or empty.
  void sample(std::string_view name, std::string_view labels, const std::string& value) {
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    out_.append(" ").append(value).append("\n");
  }
  void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  void sample(std::string_view name, std::string_view labels, std::int64_t value) {
    sample(name, labels, std::to_string(value));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string stage_label(const PipelineConfig& config, std::size_t stage) {
  return "stage=\"" + escape_label_value(config.stages[stage].name) + "\"";
}

// The Client's account of every request sent after the warm-up: what summary.json reports.
void request_outcomes(Exposition& out, const Board& board, const PipelineConfig& config) {
  const roles::ClientStats& client = *board.client;
  out.family("pipescale_requests_sent_total", "counter", "Requests the Client sent after the warm-up.");
  out.sample("pipescale_requests_sent_total", "", client.sent.get());
  out.family("pipescale_requests_completed_total", "counter", "Requests that came back completed.");
  out.sample("pipescale_requests_completed_total", "", client.completed.get());
  out.family("pipescale_requests_completed_within_slo_total", "counter",
             "Requests that came back completed within the SLO.");
  out.sample("pipescale_requests_completed_within_slo_total", "", client.within_slo.get());
  out.family("pipescale_requests_dropped_total", "counter",
             "Requests dropped, by the stage that dropped them and why.");
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    for (std::size_t r = 1; r < roles::kDropReasonCount; ++r) {
      out.sample("pipescale_requests_dropped_total", stage_label(config, s) + ",reason=\"" + kReasonNames[r] + "\"",
                 client.drops[s][r].get());
    }
  }
  out.family("pipescale_requests_failed_total", "counter",
             "Requests that failed, by the stage that reported them (an RPC status, a Worker that died).");
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    out.sample("pipescale_requests_failed_total", stage_label(config, s), client.failures[s].get());
  }
  out.family("pipescale_requests_unreturned_total", "counter",
             "Requests that never came back by the end of the drain (counted as failed).");
  out.sample("pipescale_requests_unreturned_total", "", client.failures_unreturned.get());
  out.family("pipescale_requests_in_flight", "gauge", "Requests sent and not yet back at the Client.");
  out.sample("pipescale_requests_in_flight", "", client.outstanding.get());
}

// Latency of completed requests from their intended send time, in SLO-aligned buckets. A bucket
// counts the latencies known to be at or below its bound: the board's histogram resolves 1/128 of
// a value, so a latency within 0.8 % under a bound may count in the next bucket.
void request_latency(Exposition& out, const Board& board, const PipelineConfig& config) {
  LatencyHistogram latency;
  board.client->latency_bins.merge_into(latency);
  const auto counts = latency.bucket_counts();
  const char* name = "pipescale_request_latency_seconds";
  out.family(name, "histogram", "Latency of completed requests, from the intended send time to the return.");
  std::uint64_t cumulative = 0;
  std::size_t bin = 0;
  for (const double bound_s : slo_bucket_bounds_s(config.run.slo_ms)) {
    const std::int64_t bound_ns = std::llround(bound_s * 1e9);
    for (; bin < counts.size() && LatencyHistogram::bucket_highest_ns(static_cast<std::int64_t>(bin)) <= bound_ns;
         ++bin) {
      cumulative += counts[bin];
    }
    out.sample("pipescale_request_latency_seconds_bucket", "le=\"" + number(bound_s) + "\"", cumulative);
  }
  out.sample("pipescale_request_latency_seconds_bucket", "le=\"+Inf\"", latency.count());
  out.sample("pipescale_request_latency_seconds_sum", "", number(latency.sum_ns() / 1e9));
  out.sample("pipescale_request_latency_seconds_count", "", latency.count());
  out.family("pipescale_slo_seconds", "gauge", "The end-to-end latency objective.");
  out.sample("pipescale_slo_seconds", "", number(config.run.slo_ms / 1e3));
}

// Per stage, as its Frontend and Workers count (warm-up included).
template <class Read>
void per_stage(Exposition& out, const PipelineConfig& config, std::string_view name, std::string_view type,
               std::string_view help, Read read) {
  out.family(name, type, help);
  for (std::size_t s = 0; s < config.stages.size(); ++s) out.sample(name, stage_label(config, s), read(s));
}

std::uint64_t stage_completions(const Board& board, std::size_t stage) {
  std::uint64_t total = 0;
  for (const roles::WorkerStats* worker : board.workers[stage]) total += worker->requests.get();
  return total;
}

std::string stage_seconds(const Board& board, std::size_t stage, bool busy) {
  std::int64_t total_ns = 0;
  for (const roles::WorkerStats* worker : board.workers[stage]) {
    total_ns += busy ? worker->busy_ns.get() : worker->on_ns.get();
  }
  return number(static_cast<double>(total_ns) / 1e9);
}

void stage_counters(Exposition& out, const Board& board, const PipelineConfig& config) {
  const auto& frontends = board.frontends;
  per_stage(out, config, "pipescale_stage_arrivals_total", "counter", "Requests that arrived at the stage's Frontend.",
            [&](std::size_t s) { return frontends[s]->arrivals.get(); });
  per_stage(out, config, "pipescale_stage_completions_total", "counter",
            "Requests the stage's Workers finished processing.",
            [&](std::size_t s) { return stage_completions(board, s); });
  per_stage(out, config, "pipescale_stage_batches_total", "counter", "Batches the stage's Frontend cut.",
            [&](std::size_t s) { return frontends[s]->batches.get(); });
  per_stage(out, config, "pipescale_stage_dispatch_failures_total", "counter",
            "Batches that did not reach their Worker.",
            [&](std::size_t s) { return frontends[s]->dispatch_failures.get(); });
  per_stage(out, config, "pipescale_stage_worker_seconds_total", "counter",
            "Time the stage's Workers were not off (warming, active or draining), summed.",
            [&](std::size_t s) { return stage_seconds(board, s, false); });
  per_stage(out, config, "pipescale_stage_busy_seconds_total", "counter",
            "Time the stage's Workers spent processing batches, summed.",
            [&](std::size_t s) { return stage_seconds(board, s, true); });
}

void stage_gauges(Exposition& out, const Board& board, const PipelineConfig& config) {
  const auto& f = board.frontends;
  per_stage(out, config, "pipescale_stage_queue_length", "gauge", "Requests waiting in the stage's Frontend queue.",
            [&](std::size_t s) { return f[s]->queue_length.get(); });
  per_stage(out, config, "pipescale_stage_active_workers", "gauge", "The stage's Workers that take batches.",
            [&](std::size_t s) { return f[s]->active_workers.get(); });
  per_stage(out, config, "pipescale_stage_warming_workers", "gauge", "The stage's Workers warming up.",
            [&](std::size_t s) { return f[s]->warming_workers.get(); });
  per_stage(out, config, "pipescale_stage_draining_workers", "gauge", "The stage's Workers draining before they stop.",
            [&](std::size_t s) { return f[s]->draining_workers.get(); });
  per_stage(out, config, "pipescale_stage_target_workers", "gauge", "The Worker count the Scheduler set for the stage.",
            [&](std::size_t s) { return f[s]->target_workers.get(); });
  per_stage(out, config, "pipescale_stage_batch_size", "gauge", "The batch size the Scheduler set for the stage.",
            [&](std::size_t s) { return f[s]->batch_size.get(); });
  per_stage(out, config, "pipescale_stage_hop_cost_seconds", "gauge",
            "The median cost of one hop into the stage's Frontend, as it measures it for its drop rule.",
            [&](std::size_t s) { return number(static_cast<double>(f[s]->hop_cost_ns.get()) / 1e9); });
}

void run_state(Exposition& out, const Board& board) {
  out.family("pipescale_run_phase", "gauge", "1 for the run's current phase (setup, prepare, run, stop).");
  const std::uint32_t phase = board.control == nullptr ? 0 : board.control->phase.get();
  for (std::uint32_t p = 0; p < kRunPhaseNames.size(); ++p) {
    out.sample("pipescale_run_phase", std::string("phase=\"") + kRunPhaseNames[p] + "\"",
               std::uint64_t{p == phase ? 1U : 0U});
  }
}

}  // namespace

std::vector<double> slo_bucket_bounds_s(double slo_ms) {
  std::vector<double> bounds;
  bounds.reserve(kSloFactors.size());
  for (const double factor : kSloFactors) bounds.push_back(factor * slo_ms / 1e3);
  return bounds;
}

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string prometheus_text(const Board& board, const PipelineConfig& config) {
  Exposition out;
  request_outcomes(out, board, config);
  request_latency(out, board, config);
  stage_counters(out, board, config);
  stage_gauges(out, board, config);
  run_state(out, board);
  return out.take();
}

}  // namespace pipescale::engine
