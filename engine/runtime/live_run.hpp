#pragma once
// The launcher's one live run (launcher.hpp), private to engine/runtime. Split by concern:
// launcher.cpp sets it up (placement, results folder, segment, role processes) and walks it through
// the run phases; supervisor.cpp watches the role processes, Ctrl-C and the progress line, and
// stops everything at the end.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/metrics_server.hpp"
#include "engine/runtime/placement_plan.hpp"
#include "engine/runtime/results.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::engine {

// SIGINT and SIGTERM count stop requests instead of killing the launcher: the first stops the run
// in order, a second kills the roles.
void install_stop_signal_handlers();
bool stop_requested();

struct Child {
  const ProcessSpec* process = nullptr;
  pid_t pid = 0;
  bool running = false;
  int wait_status = 0;
};

class LiveRun {
 public:
  LiveRun(const LaunchOptions& options, PipelineConfig config)
      : options_(options), config_(std::move(config)), topology_(make_topology(config_)) {}
  ~LiveRun() { cleanup(); }
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;

  int execute();

 private:
  // Set-up and the run phases (launcher.cpp).
  int set_up();
  Status create_out_dir();
  Status create_segment();
  Status spawn_all();
  Status serve_metrics();
  void linger_metrics();
  pid_t spawn(const ProcessPlacement& placement);
  void record_placement();
  RunRecord make_record();
  void walk_through_phases(RunRecord& record);
  int finish(RunRecord& record);

  // Supervision (supervisor.cpp).
  void reap();
  void ring_all();
  void set_run_phase(RunPhase phase);
  bool all_reached(RolePhase phase) const;
  // Waits until every role reaches `phase`; false on a failure, a stop request or the timeout.
  bool wait_for(RolePhase phase, std::int64_t timeout_ns, const char* what);
  void supervise_run();
  void shut_down();
  void print_progress(std::int64_t now);
  void note_failure(const Child& child, const std::string& how);
  void note_data_losses(RunRecord& record) const;
  void cleanup();

  const LaunchOptions& options_;
  PipelineConfig config_;
  Topology topology_;
  PlacementPlan plan_;
  PlacementRecord placement_record_;
  std::filesystem::path dir_;
  std::filesystem::path socket_dir_;
  std::optional<ipc::Segment> segment_;
  Board board_;
  std::unique_ptr<MetricsServer> metrics_;  // reads board_: stopped before the segment goes
  std::vector<Child> children_;
  std::vector<std::string> failures_;
  bool interrupted_ = false;
  bool stopping_ = false;
  RunPhase run_phase_ = RunPhase::kSetup;  // what set_run_phase wrote last
  std::int64_t start_ns_ = 0;
  std::int64_t end_ns_ = 0;
  std::int64_t next_progress_ns_ = 0;
  bool tty_ = false;
  std::chrono::system_clock::time_point started_at_{};
};

}  // namespace pipescale::engine
