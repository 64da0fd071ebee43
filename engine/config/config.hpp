#pragma once
// The typed pipeline configuration: plain structs with every default written beside its field.
// engine/config/README.md documents the TOML format, each key, its unit and its default;
// config_loader.hpp reads and validates a file into these structs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/placement/policy.hpp"
#include "roles/common/latency_profile.hpp"

namespace pipescale::engine {

// Upper bounds the loader enforces, so that every count fits the int fields below and every
// duration converts to int64 nanoseconds without overflow.
inline constexpr int kMaxWorkersPerStage = 1024;
inline constexpr double kMaxDurationS = 604800.0;  // one week
// A batch size at most roles::kMaxBatchSize, a latency at most roles::kMaxLatencyMs: the profile rules' own.
using roles::kMaxBatchSize;
using roles::kMaxLatencyMs;
inline constexpr double kMaxArrivalCv = 10.0;  // as roles/client/trace's ArrivalProcess: beyond, gamma gaps underflow

enum class Transport { kShm, kGrpc };
enum class Arrival { kPoisson, kUniform, kGamma };
// How client.trace_path is read (roles/client/trace/README.md), and open or closed loop.
enum class TraceFormat { kRate, kRequests, kAzureFunctions, kAzureLlm };
enum class ClientMode { kOpen, kClosed };
// What a [[faults]] table does to its target (engine/config/README.md, "Faults").
enum class FaultAction { kKill, kStop, kSlow, kDropLink };

// The spellings used in the TOML file.
inline constexpr std::array<std::pair<std::string_view, Transport>, 2> kTransportNames{
    {{"shm", Transport::kShm}, {"grpc", Transport::kGrpc}}};
inline constexpr std::array<std::pair<std::string_view, Arrival>, 3> kArrivalNames{
    {{"poisson", Arrival::kPoisson}, {"uniform", Arrival::kUniform}, {"gamma", Arrival::kGamma}}};
inline constexpr std::array<std::pair<std::string_view, TraceFormat>, 4> kTraceFormatNames{
    {{"rate", TraceFormat::kRate},
     {"requests", TraceFormat::kRequests},
     {"azure_functions", TraceFormat::kAzureFunctions},
     {"azure_llm", TraceFormat::kAzureLlm}}};
inline constexpr std::array<std::pair<std::string_view, ClientMode>, 2> kClientModeNames{
    {{"open", ClientMode::kOpen}, {"closed", ClientMode::kClosed}}};
inline constexpr std::array<std::pair<std::string_view, FaultAction>, 4> kFaultActionNames{
    {{"kill", FaultAction::kKill},
     {"stop", FaultAction::kStop},
     {"slow", FaultAction::kSlow},
     {"drop_link", FaultAction::kDropLink}}};

template <class Enum, std::size_t N>
constexpr std::string_view enum_name(Enum value, const std::array<std::pair<std::string_view, Enum>, N>& names) {
  for (const auto& [name, candidate] : names) {
    if (candidate == value) return name;
  }
  return "?";
}
enum class OnRoleFailure { kReplace, kStop };
inline constexpr std::array<std::pair<std::string_view, OnRoleFailure>, 2> kOnRoleFailureNames{
    {{"replace", OnRoleFailure::kReplace}, {"stop", OnRoleFailure::kStop}}};

inline std::string_view transport_name(Transport transport) { return enum_name(transport, kTransportNames); }
inline std::string_view arrival_name(Arrival arrival) { return enum_name(arrival, kArrivalNames); }
inline std::string_view trace_format_name(TraceFormat format) { return enum_name(format, kTraceFormatNames); }
inline std::string_view client_mode_name(ClientMode mode) { return enum_name(mode, kClientModeNames); }
inline std::string_view fault_action_name(FaultAction action) { return enum_name(action, kFaultActionNames); }
inline std::string_view on_role_failure_name(OnRoleFailure value) { return enum_name(value, kOnRoleFailureNames); }

struct RunConfig {
  double duration_s = 60.0;  // length of the replay, warm-up included
  std::uint64_t seed = 1;    // seeds the arrival process and the Workers' draws; same seed, same run
  double slo_ms = 200.0;     // end-to-end latency objective, from intended send to return
  Transport transport = Transport::kShm;
  double warmup_s = 0.0;               // the first warmup_s seconds are left out of the statistics
  double request_log_sample = 1.0;     // fraction of requests in requests.csv.gz (seeded by seed)
  double trace_sample = 0.01;          // fraction of requests drawn as flows in trace.json
  int metrics_port = 0;                // the Prometheus endpoint's TCP port on 127.0.0.1; 0: none
  double metrics_linger_s = 0.0;       // the endpoint serves the final figures this long after the run
  double liveness_timeout_ms = 500.0;  // a role whose heartbeat is older is declared hung and killed
  OnRoleFailure on_role_failure = OnRoleFailure::kReplace;  // a lost role is replaced, or stops the run

  friend bool operator==(const RunConfig&, const RunConfig&) = default;
};

inline constexpr int kMaxClosedUsers = 65536;

struct ClientConfig {
  std::filesystem::path trace_path;  // absolute; required in open mode (no default), unused in closed
  TraceFormat trace_format = TraceFormat::kRate;
  // azure_functions: the HashFunction values replayed (empty: every row), or the top N by count.
  std::vector<std::string> trace_functions;
  int trace_top_functions = 0;
  double time_scale = 1.0;  // trace times are multiplied by it (0.01: a day in under 15 minutes)
  double start_s = 0.0;     // the window replayed starts here, in the trace's own seconds
  double duration_s = 0.0;  // ... and lasts this long; 0: to the end of the trace
  Arrival arrival = Arrival::kPoisson;
  double arrival_cv = 1.0;  // coefficient of variation of gamma inter-arrival times
  double rate_scale = 1.0;  // multiplies every rate of the trace
  bool repeat = false;      // replay the trace (its window) cyclically until run.duration_s, for soaks
  ClientMode mode = ClientMode::kOpen;
  int users = 1;          // closed loop: concurrent users, one request in flight each
  double think_ms = 0.0;  // closed loop: mean exponential think time between a return and the next send

  friend bool operator==(const ClientConfig&, const ClientConfig&) = default;
};

struct SchedulerConfig {
  // The scaling policy by name (roles/scheduler/README.md): "reactive", "static", "predictive".
  std::string policy = "reactive";
  bool enabled = true;               // policy != "static"; enabled = false is a synonym for "static"
  double interval_ms = 1000.0;       // how often it recomputes batch sizes and Worker counts
  double headroom = 1.2;             // Workers = ceil(rate * L(b) / b * headroom)
  double scale_down_delay_s = 10.0;  // a lower load must last this long before Workers stop
  double forecast_alpha = 0.3;       // "predictive": Holt's level smoothing, in (0, 1]
  double forecast_beta = 0.3;        // "predictive": Holt's trend smoothing, in (0, 1]

  friend bool operator==(const SchedulerConfig&, const SchedulerConfig&) = default;
};

// `pipescale simulate` (engine/simulate/README.md): the same roles on a virtual clock.
struct SimulateConfig {
  // What each message costs in virtual time, from send to delivery, on every hop (requests and
  // replies alike); 0 is the ideal of free messages. The live run's hop_overhead_us p50 (its
  // summary.json) models the framework's own cost.
  double hop_delay_us = 0.0;

  friend bool operator==(const SimulateConfig&, const SimulateConfig&) = default;
};

// (batch_size, latency_ms): processing one batch of batch_size requests takes latency_ms.
using ProfilePoint = std::pair<int, double>;

// Where the processes of a role or a stage run; engine/placement/README.md has the policy.
struct ProcessPlacementConfig {
  int numa_node = -1;      // -1: any node
  std::vector<int> cpus;   // explicit PUs (OS indexes, sorted); empty: the planner chooses
  bool dedicated = false;  // a core of its own for each process, which then spins

  friend bool operator==(const ProcessPlacementConfig&, const ProcessPlacementConfig&) = default;
};

struct PlacementConfig {
  PlacementPolicy policy = PlacementPolicy::kSpread;
  SmtUse smt = SmtUse::kAvoid;
  ProcessPlacementConfig client;
  ProcessPlacementConfig scheduler;

  friend bool operator==(const PlacementConfig&, const PlacementConfig&) = default;
};

struct StageConfig {
  std::string name;  // default "stage<N>", N counting stages from 1
  // Where the profile came from: a CSV file (absolute path), or empty when written inline.
  std::filesystem::path profile_path;
  // The profile itself, always filled (read from profile_path when that is set): batch sizes
  // strictly increasing from 1, latencies positive and never falling as batches grow.
  std::vector<ProfilePoint> profile;
  // (batch_size, p99_ms) for each profile point when any point gives p99_ms (then latency_ms is
  // the median of a lognormal; a point without one has p99 = median); empty for a fixed profile.
  std::vector<ProfilePoint> profile_p99;
  // Measured batch times to draw from (roles/common/latency_samples.hpp), absolute; empty when
  // the profile gives the times. When set, `profile` holds the samples' medians by batch size.
  std::filesystem::path latency_samples_path;
  int workers_min = 1;
  int workers_max = 4;
  int max_batch = 0;       // default: the largest batch size in the profile (filled in by the loader)
  double warmup_ms = 0.0;  // time a started Worker takes before it accepts batches
  // The stage's policies by name (roles/frontend/README.md) and their parameters.
  std::string batching = "deadline";      // "deadline", "timeout", "aimd"
  std::string dispatch = "least_loaded";  // "least_loaded", "round_robin", "power_of_two"
  std::string drop = "deadline";          // "deadline", "start_now", "never"
  double max_queue_delay_us = 10000.0;    // "timeout": the oldest request's longest wait
  double aimd_backoff = 0.9;              // "aimd": the batch size's multiplicative decrease
  ProcessPlacementConfig placement;       // its Frontend's and Workers'

  friend bool operator==(const StageConfig&, const StageConfig&) = default;
};

// A fault injected into a run at at_s (seconds from the Client's first send), live and simulated
// alike (engine/config/fault_target.hpp resolves the target to one process or link).
inline constexpr double kMaxSlowFactor = 1000.0;
inline constexpr double kMinSlowFactor = 0.01;
struct FaultConfig {
  double at_s = 0.0;
  // A process ("worker1.0", "frontend0", "client", "scheduler"), any Worker of a stage
  // ("stages.detect.worker"), or, for drop_link, a link ("frontend0-worker0.1").
  std::string target;
  FaultAction action = FaultAction::kKill;
  double duration_s = 0.0;  // stop, slow and drop_link: how long it lasts
  double factor = 1.0;      // slow: what a batch's model time is multiplied by

  friend bool operator==(const FaultConfig&, const FaultConfig&) = default;
};

struct PipelineConfig {
  RunConfig run;
  ClientConfig client;
  SchedulerConfig scheduler;
  PlacementConfig placement;
  SimulateConfig simulate;
  std::vector<StageConfig> stages;    // in pipeline order; never empty after a successful load
  std::vector<FaultConfig> faults;    // as written; each acts at its own at_s
  std::filesystem::path source_path;  // the config file, absolute

  friend bool operator==(const PipelineConfig&, const PipelineConfig&) = default;
};

}  // namespace pipescale::engine
