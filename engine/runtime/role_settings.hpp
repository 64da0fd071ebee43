#pragma once
// Each role's settings, derived from the config in one place: the role processes of
// `pipescale run` and the simulator of `pipescale simulate` build their agents from these same
// functions, so a simulated role is configured exactly as a live one.
#include <cstddef>

#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/topology.hpp"
#include "roles/client/client.hpp"
#include "roles/client/trace/arrival_process.hpp"
#include "roles/client/trace/request_source.hpp"
#include "roles/common/latency_model.hpp"
#include "roles/common/latency_profile.hpp"
#include "roles/frontend/frontend.hpp"
#include "roles/scheduler/scheduler_policy.hpp"
#include "roles/worker/worker.hpp"

namespace pipescale::engine {

Result<roles::LatencyProfile> stage_profile(const StageConfig& stage);
// What a Worker of the stage draws its batch times from (roles/common/latency_model.hpp): the
// samples file, a lognormal when the profile gives p99_ms, else the profile itself. Unseeded:
// worker_settings() carries each Worker's seed.
Result<roles::LatencyModel> stage_latency_model(const StageConfig& stage);

// The Client's request source (a rate trace's arrival process, scaled by client.rate_scale and
// drawn with run.seed; a request trace's own times; nothing in closed loop) and its settings.
struct ClientSetup {
  roles::RequestSource source;
  roles::ClientSettings settings;
};
Result<ClientSetup> client_setup(const PipelineConfig& config);

// Stage `stage`'s Frontend: its budgets follow the Scheduler's split of the SLO.
Result<roles::FrontendSettings> frontend_settings(const PipelineConfig& config, std::size_t stage);

roles::WorkerSettings worker_settings(const PipelineConfig& config, const ProcessSpec& worker);

Result<roles::SchedulerPolicy> scheduler_policy(const PipelineConfig& config);

// The board's time series and tables for this config: the request log holds the requests the
// trace is expected to send times run.request_log_sample (with a margin for the draw), at most
// kMaxRequestLogBytes; each timeline table holds a record per expected request (a batch holds at
// least one) plus the reports, at most kMaxTimelineRecords. engine/runtime/README.md gives sizes.
inline constexpr std::uint64_t kMaxRequestLogBytes = std::uint64_t{512} << 20;
inline constexpr std::uint32_t kMaxTimelineRecords = 1U << 18;
BoardSize board_size(const PipelineConfig& config);

}  // namespace pipescale::engine
