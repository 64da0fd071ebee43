#include "engine/runtime/results.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/metrics/json_writer.hpp"
#include "engine/config/config_writer.hpp"
#include "engine/runtime/execution_figures.hpp"
#include "engine/runtime/manifest.hpp"
#include "engine/runtime/run_records.hpp"
#include "engine/runtime/run_validity.hpp"
#include "engine/runtime/tensorboard_events.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::engine {
namespace {

constexpr std::array<const char*, roles::kDropReasonCount> kReasonNames{
    "none", "deadline_unreachable", "deadline_expired", "queue_full", "shutting_down"};

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }
double us(std::int64_t ns) { return static_cast<double>(ns) / 1e3; }

Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{"cannot write " + path.string() + ": " + std::strerror(errno)};
  return Ok{};
}

LatencyHistogram hop_histogram(const Board& board) {
  LatencyHistogram hops;
  board.client->hop_bins.merge_into(hops);
  for (const auto& stage : board.workers) {
    for (const roles::WorkerStats* worker : stage) worker->dispatch_hop_bins.merge_into(hops);
  }
  return hops;
}

double worker_seconds(const Board& board, std::size_t stage) {
  double total = 0.0;
  for (const roles::WorkerStats* worker : board.workers[stage]) total += static_cast<double>(worker->on_ns.get()) / 1e9;
  return total;
}

double busy_seconds(const Board& board, std::size_t stage) {
  double total = 0.0;
  for (const roles::WorkerStats* w : board.workers[stage]) total += static_cast<double>(w->busy_ns.get()) / 1e9;
  return total;
}

double wasted_seconds(const Board& board, std::size_t stage) {
  return static_cast<double>(board.client->wasted_ns[stage].get()) / 1e9;
}

// "key": {stage: figure(board, stage), ...}; returns the figures' sum.
template <class Figure>
double per_stage_seconds(JsonWriter& json, const char* key, const RunRecord& record, Figure figure) {
  double total = 0.0;
  json.key(key).begin_object();
  for (std::size_t s = 0; s < record.config->stages.size(); ++s) {
    const double seconds = figure(*record.board, s);
    total += seconds;
    json.key(record.config->stages[s].name).value(seconds);
  }
  json.end_object();
  return total;
}

// What the Workers' time went to: busy and wasted worker-seconds by stage, the wasted share of
// the busy total, and the goodput (completed within the SLO per second of the measured window).
void work_json(JsonWriter& json, const RunRecord& record, const Summary& summary) {
  derived_json(json, record, "goodput_rps", summary.goodput_rps, 3);
  const double busy = per_stage_seconds(json, "busy_worker_seconds", record, busy_seconds);
  const double wasted = per_stage_seconds(json, "wasted_worker_seconds", record, wasted_seconds);
  json.key("wasted_fraction").value(busy > 0.0 ? wasted / busy : 0.0, 6);
}

void percentiles_ms(JsonWriter& json, const LatencySummary& s) {
  json.begin_object();
  json.key("p50").value(ms(s.p50_ns)).key("p90").value(ms(s.p90_ns)).key("p99").value(ms(s.p99_ns));
  json.key("p999").value(ms(s.p999_ns)).key("max").value(ms(s.max_ns)).key("mean").value(s.mean_ns / 1e6);
  json.key("count").value(s.count);
  json.end_object();
}

void percentiles_us(JsonWriter& json, const LatencySummary& s) {
  json.begin_object();
  json.key("p50").value(us(s.p50_ns)).key("p90").value(us(s.p90_ns)).key("p99").value(us(s.p99_ns));
  json.key("p999").value(us(s.p999_ns)).key("max").value(us(s.max_ns)).key("count").value(s.count);
  json.end_object();
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// What became of the requests sent, SLO attainment and throughput, and how the Client sent them.
void outcomes_json(JsonWriter& json, const RunRecord& record, const Summary& summary) {
  const roles::ClientStats& client = *record.board->client;
  const ClientConfig& client_config = record.config->client;
  json.key("sent").value(summary.sent);
  json.key("completed").value(summary.completed);
  json.key("completed_within_slo").value(summary.completed_within_slo);
  json.key("dropped").value(summary.dropped);
  json.key("failed").value(summary.failed);
  json.key("failed_unreturned").value(client.failures_unreturned.get());
  json.key("unknown_returns").value(client.unknown_returns.get());
  recovery_json(json, record, summary);
  // Nothing sent, no attainment to speak of: null rather than a 0 that reads as a failure.
  if (summary.sent == 0) {
    json.key("slo_attainment").null();
  } else {
    derived_json(json, record, "slo_attainment", summary.slo_attainment, 6);
  }
  derived_json(json, record, "throughput_rps", summary.throughput_rps, 3);
  json.key("client_mode").value(client_mode_name(client_config.mode));
  if (client_config.mode == ClientMode::kClosed) json.key("users").value(client_config.users);
}

std::string summary_json(const RunRecord& record, const Summary& summary) {
  const PipelineConfig& config = *record.config;
  const Board& board = *record.board;
  const roles::ClientStats& client = *board.client;
  JsonWriter json;
  const bool simulated = record.simulated();
  json.begin_object();
  json.key("mode").value(record.mode);
  json.key("transport").value(simulated ? std::string_view("simulated") : transport_name(config.run.transport));
  if (simulated) json.key("hop_delay_us").value(record.hop_delay_us);
  json.key("scheduler_enabled").value(config.scheduler.enabled);
  json.key("slo_ms").value(config.run.slo_ms);
  json.key("duration_s").value(config.run.duration_s);
  json.key("warmup_s").value(config.run.warmup_s);
  json.key("elapsed_s").value(record.elapsed_s);
  json.key("interrupted").value(record.interrupted);
  json.key("role_failures").begin_array();
  for (const std::string& failure : record.failures) json.value(failure);
  json.end_array();
  faults_json(json, config, record.faults);
  validity_json(json, summary.validity);
  outcomes_json(json, record, summary);
  json.key("latency_ms");
  percentiles_ms(json, summary.latency);
  json.key("hop_overhead_us");
  percentiles_us(json, summary.hop);
  json.key("hops_us").begin_object();
  constexpr std::array<const char*, roles::kHopKindCount> kHopNames{"client_to_frontend", "worker_to_next_frontend",
                                                                    "worker_to_client", "drop_to_client"};
  for (std::size_t k = 0; k < roles::kHopKindCount; ++k) {
    json.key(kHopNames[k]);
    percentiles_us(json, client.hops[k].read());
  }
  LatencyHistogram dispatch;
  for (const auto& stage : board.workers) {
    for (const roles::WorkerStats* worker : stage) worker->dispatch_hop_bins.merge_into(dispatch);
  }
  json.key("frontend_to_worker");
  percentiles_us(json, dispatch.summary());
  json.end_object();
  json.key("send_lag_us");
  percentiles_us(json, client.send_lag.read());
  json.key("late_sends").value(client.late_sends.get());
  json.key("drops_by_stage").begin_object();
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    json.key(config.stages[s].name).begin_object();
    std::uint64_t total = 0;
    for (std::size_t r = 1; r < roles::kDropReasonCount; ++r) total += client.drops[s][r].get();
    json.key("total").value(total);
    for (std::size_t r = 1; r < roles::kDropReasonCount; ++r) json.key(kReasonNames[r]).value(client.drops[s][r].get());
    json.end_object();
  }
  json.end_object();
  json.key("failures_by_stage").begin_object();
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    json.key(config.stages[s].name).value(client.failures[s].get());
  }
  json.end_object();
  json.key("worker_seconds").begin_object();
  for (std::size_t s = 0; s < config.stages.size(); ++s)
    json.key(config.stages[s].name).value(worker_seconds(board, s));
  json.end_object();
  work_json(json, record, summary);
  execution_json(json, record);
  records_json(json, record);
  json.key("processes").value(static_cast<std::uint64_t>(record.topology->processes.size()));
  if (simulated) {
    json.key("cpus").null().key("oversubscribed").null();
  } else {
    json.key("cpus").value(static_cast<std::uint64_t>(record.plan->machine.pus.size()));
    json.key("oversubscribed").value(record.plan->oversubscribed);
  }
  json.end_object();
  return json.str() + "\n";
}

std::string timeseries_csv(const RunRecord& record) {
  const PipelineConfig& config = *record.config;
  const Board& board = *record.board;
  std::ostringstream out;
  out << "second,offered,completed,within_slo,dropped,failed,slo_attainment,p50_ms,p90_ms,p99_ms,max_ms";
  for (const StageConfig& stage : config.stages) {
    out << ',' << stage.name << "_arrivals," << stage.name << "_active_workers," << stage.name << "_target_workers,"
        << stage.name << "_batch_size," << stage.name << "_queue_max," << stage.name << "_batches";
  }
  out << ",faults_active\n";
  const auto rows = board.client->rows(board.row_capacity);
  const std::uint32_t published =
      std::min<std::uint32_t>(board.client->rows_published.get(), static_cast<std::uint32_t>(rows.size()));
  for (std::uint32_t r = 0; r < published; ++r) {
    const roles::ClientRow& row = rows[r];
    const std::uint64_t offered = row.offered.get();
    const std::uint64_t returned = row.completed.get() + row.dropped.get() + row.failed.get();
    const double attainment =
        returned == 0 ? 1.0 : static_cast<double>(row.within_slo.get()) / static_cast<double>(returned);
    out << r << ',' << offered << ',' << row.completed.get() << ',' << row.within_slo.get() << ',' << row.dropped.get()
        << ',' << row.failed.get() << ',' << fixed(attainment, 4) << ',' << fixed(ms(row.p50_ns.get()), 3) << ','
        << fixed(ms(row.p90_ns.get()), 3) << ',' << fixed(ms(row.p99_ns.get()), 3) << ','
        << fixed(ms(row.max_ns.get()), 3);
    for (std::size_t s = 0; s < config.stages.size(); ++s) {
      const roles::FrontendStats& frontend = *board.frontends[s];
      const auto stage_rows = frontend.rows(board.row_capacity);
      if (r < frontend.rows_published.get() && r < stage_rows.size()) {
        const roles::FrontendRow& stage_row = stage_rows[r];
        out << ',' << stage_row.arrivals.get() << ',' << stage_row.active_workers.get() << ','
            << stage_row.target_workers.get() << ',' << stage_row.batch_size.get() << ',' << stage_row.queue_max.get()
            << ',' << stage_row.batches.get();
      } else {
        out << ",,,,,,";
      }
    }
    out << ',' << faults_active(config, record.faults, r) << '\n';
  }
  return out.str();
}

std::string stages_csv(const RunRecord& record) {
  const PipelineConfig& config = *record.config;
  const Board& board = *record.board;
  std::ostringstream out;
  out << "stage,name,workers_min,workers_max,arrivals,dropped,batches,batched_requests,mean_batch_size,"
         "batches_full,batches_deadline,worker_seconds,busy_seconds,queueing_p50_ms,queueing_p99_ms,"
         "dispatch_p50_ms,dispatch_p99_ms,execution_p50_ms,execution_p99_ms,dispatch_failures,forward_failures,"
         "wasted_worker_seconds"
      << kExecutionColumns << '\n';
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    const roles::FrontendStats& frontend = *board.frontends[s];
    std::uint64_t dropped = 0;
    for (const auto& reason : frontend.drops) dropped += reason.get();
    std::uint64_t forward_failures = 0;
    for (const roles::WorkerStats* worker : board.workers[s]) forward_failures += worker->forward_failures.get();
    const std::uint64_t batches = frontend.batches.get();
    const std::uint64_t batched = frontend.batched_requests.get();
    const auto& parts = board.client->stages[s];
    out << s << ',' << config.stages[s].name << ',' << config.stages[s].workers_min << ','
        << config.stages[s].workers_max << ',' << frontend.arrivals.get() << ',' << dropped << ',' << batches << ','
        << batched << ',' << fixed(batches == 0 ? 0.0 : static_cast<double>(batched) / static_cast<double>(batches), 2)
        << ',' << frontend.batch_triggers[1].get() << ',' << frontend.batch_triggers[2].get() << ','
        << fixed(worker_seconds(board, s), 3) << ',' << fixed(busy_seconds(board, s), 3) << ','
        << fixed(ms(parts.queueing.p50_ns.get()), 3) << ',' << fixed(ms(parts.queueing.p99_ns.get()), 3) << ','
        << fixed(ms(parts.dispatch.p50_ns.get()), 3) << ',' << fixed(ms(parts.dispatch.p99_ns.get()), 3) << ','
        << fixed(ms(parts.execution.p50_ns.get()), 3) << ',' << fixed(ms(parts.execution.p99_ns.get()), 3) << ','
        << frontend.dispatch_failures.get() << ',' << forward_failures << ',' << fixed(wasted_seconds(board, s), 3)
        << execution_csv_cells(board, s) << '\n';
  }
  return out.str();
}

std::string summary_table(const RunRecord& record, const Summary& summary) {
  const PipelineConfig& config = *record.config;
  const Board& board = *record.board;
  std::ostringstream out;
  out << "pipescale " << record.mode << ": " << config.stages.size() << " stages, transport "
      << (record.simulated() ? std::string("simulated, hop delay ") + fixed(record.hop_delay_us, 1) + " us"
                             : std::string(transport_name(config.run.transport)))
      << ", scheduler " << (config.scheduler.enabled ? "on" : "off (static baseline)") << ", SLO "
      << fixed(config.run.slo_ms, 1) << " ms" << (record.interrupted ? ", INTERRUPTED" : "") << '\n';
  out << "  sent " << summary.sent << "  completed " << summary.completed << "  within SLO "
      << summary.completed_within_slo << "  dropped " << summary.dropped << "  failed " << summary.failed << '\n';
  out << recovery_lines(record, summary) << "  SLO attainment " << attainment_text(record, summary)
      << "   latency ms p50 " << fixed(ms(summary.latency.p50_ns), 2) << "  p90 "
      << fixed(ms(summary.latency.p90_ns), 2) << "  p99 " << fixed(ms(summary.latency.p99_ns), 2) << "  p99.9 "
      << fixed(ms(summary.latency.p999_ns), 2) << "  max " << fixed(ms(summary.latency.max_ns), 2) << '\n';
  out << "  hop overhead us p50 " << fixed(us(summary.hop.p50_ns), 1) << "  p99 " << fixed(us(summary.hop.p99_ns), 1)
      << "  (" << summary.hop.count << " hops)\n";
  out << rates_line(record, summary);
  if (config.client.mode == ClientMode::kClosed) {
    // Little's law: requests in the system = throughput x mean time in it.
    out << "  closed loop: " << config.client.users
        << " users; throughput x mean latency = " << fixed(summary.throughput_rps * summary.latency.mean_ns / 1e9, 2)
        << " requests in flight\n";
  }
  out << "  stage         arrivals   dropped   batches  mean batch  worker-s    busy-s  wasted-s\n";
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    const roles::FrontendStats& frontend = *board.frontends[s];
    std::uint64_t dropped = 0;
    for (const auto& reason : frontend.drops) dropped += reason.get();
    const std::uint64_t batches = frontend.batches.get();
    char line[160];
    std::snprintf(
        line, sizeof line, "  %-12s %9llu %9llu %9llu %11.2f %9.1f %9.1f %9.2f\n", config.stages[s].name.c_str(),
        static_cast<unsigned long long>(frontend.arrivals.get()), static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(batches),
        batches == 0 ? 0.0 : static_cast<double>(frontend.batched_requests.get()) / static_cast<double>(batches),
        worker_seconds(board, s), busy_seconds(board, s), wasted_seconds(board, s));
    out << line;
  }
  for (const std::string& failure : record.failures) out << "  role failure: " << failure << '\n';
  out << validity_lines(summary.validity);
  out << "  results: " << record.dir.string() << '\n';
  return out.str();
}

// timeseries.csv's series as TensorBoard scalars, in tensorboard/ (tensorboard_events.hpp).
Status write_tensorboard(const RunRecord& record, const std::string& timeseries) {
  std::vector<std::string> stages;
  for (const StageConfig& stage : record.config->stages) stages.push_back(stage.name);
  auto series = scalar_series_from_csv(timeseries, stages);
  if (!series) return series.error();
  const auto started = record.started_at == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now()
                                                                                    : record.started_at;
  const double start_s = std::chrono::duration<double>(started.time_since_epoch()).count();
  std::error_code error;
  std::filesystem::create_directories(record.dir / "tensorboard", error);
  if (error) return Error{"cannot create " + (record.dir / "tensorboard").string() + ": " + error.message()};
  return write_tensorboard_events(record.dir / "tensorboard" / tensorboard_file_name(start_s), *series, start_s);
}

}  // namespace

Result<std::filesystem::path> create_results_dir(const std::filesystem::path& dir, const PipelineConfig& config) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Error{"cannot create results folder " + dir.string() + ": " + error.message()};
  std::filesystem::path absolute = std::filesystem::absolute(dir, error);
  if (error) return Error{"cannot resolve results folder " + dir.string() + ": " + error.message()};
  if (auto written = write_file(absolute / "config.toml", to_toml(config)); !written) return written.error();
  return absolute;
}

Summary summarize(const RunRecord& record) {
  const roles::ClientStats& client = *record.board->client;
  Summary summary;
  summary.sent = client.sent.get();
  summary.completed = client.completed.get();
  summary.completed_within_slo = client.within_slo.get();
  summary.dropped = client.dropped.get();
  summary.failed = client.failed.get();
  summary.lost = lost_count(record, summary);
  summary.slo_attainment =
      summary.sent == 0 ? 0.0 : static_cast<double>(summary.completed_within_slo) / static_cast<double>(summary.sent);
  // The window the counted requests were sent in: the trace's, after the warm-up, or less when
  // the run was stopped early.
  const RunConfig& run = record.config->run;
  const double sent_for_s =
      (record.interrupted ? std::min(record.elapsed_s, run.duration_s) : run.duration_s) - run.warmup_s;
  summary.goodput_rps = sent_for_s > 0.0 ? static_cast<double>(summary.completed_within_slo) / sent_for_s : 0.0;
  summary.throughput_rps = sent_for_s > 0.0 ? static_cast<double>(summary.completed) / sent_for_s : 0.0;
  LatencyHistogram latency;
  client.latency_bins.merge_into(latency);
  summary.latency = latency.summary();
  summary.hop = hop_histogram(*record.board).summary();
  check_summary(summary.validity, summary, record.elapsed_s);
  for (const std::string& loss : record.data_losses) summary.validity.invalidate("data loss: " + loss);
  for (const std::string& reason : record.invalid_reasons) summary.validity.invalidate(reason);
  return summary;
}

Status write_placement(const RunRecord& record) {
  JsonWriter json;
  json.begin_object();
  write_plan_json(json, *record.plan, *record.config, record.placement);
  json.end_object();
  return write_file(record.dir / "placement.json", json.str() + "\n");
}

Result<std::string> write_results(const RunRecord& record, FigureValidity* validity) {
  const Summary summary = summarize(record);
  if (validity != nullptr) *validity = summary.validity;
  const std::string json = summary_json(record, summary);
  if (auto written = write_file(record.dir / "summary.json", json); !written) return written.error();
  const std::string timeseries = timeseries_csv(record);
  if (auto written = write_file(record.dir / "timeseries.csv", timeseries); !written) return written.error();
  if (auto written = write_file(record.dir / "stages.csv", stages_csv(record)); !written) return written.error();
  if (auto written = write_records(record); !written) return written.error();
  if (auto written = write_tensorboard(record, timeseries); !written) return written.error();
  if (auto written = write_manifest(record); !written) return written.error();
  return summary_table(record, summary);
}

}  // namespace pipescale::engine
