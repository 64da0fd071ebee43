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
#include "engine/runtime/fault_injector.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/metrics_server.hpp"
#include "engine/runtime/placement_plan.hpp"
#include "engine/runtime/private_dir.hpp"
#include "engine/runtime/results.hpp"
#include "engine/runtime/results_dir.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::engine {

struct Child {
  const ProcessSpec* process = nullptr;
  pid_t pid = 0;
  bool running = false;
  int wait_status = 0;
  std::int64_t spawned_ns = 0;  // when this incarnation started: stands in for an unbelievable heartbeat
  int losses = 0;               // how often it died or hung
  std::int64_t suspect_since_ns = 0;
  std::int64_t listening_seen_ns = 0;  // when the launcher first saw this incarnation listening  // first seen silent
                                       // past the timeout; 0: not suspected
};

// How long a role has been silent: since its heartbeat, or since it started when the stamp (read
// from shared memory, untrusted) lies before that or in the future.
std::int64_t silence_ns(std::int64_t heartbeat_ns, std::int64_t spawned_ns, std::int64_t now_ns);
bool is_hung(std::int64_t heartbeat_ns, std::int64_t spawned_ns, std::int64_t now_ns, std::int64_t timeout_ns);

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
  // A stop before the run phase: nothing was measured, so nothing is kept (the results folder goes
  // with the segment and the private folder). Returns the exit status.
  int abandon(const char* when);
  int create_out_dir();
  Status write_private_config();
  Status create_segment();
  Status spawn_all();
  Status serve_metrics();
  void linger_metrics();
  pid_t spawn(const ProcessPlacement& placement, bool replacement);
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

  // Liveness and recovery (supervisor_recovery.cpp).
  void check_liveness();
  void lose(Child& child, const std::string& how);
  bool replace(Child& child, const std::string& how);
  void note_data_losses(RunRecord& record) const;
  void cleanup();

  const LaunchOptions& options_;
  PipelineConfig config_;
  Topology topology_;
  PlacementPlan plan_;
  PlacementRecord placement_record_;
  std::filesystem::path dir_;
  ClaimedDir claimed_dir_;
  bool discard_dir_ = false;           // abandoned before the run: the folder is released
  std::optional<PrivateDir> private_;  // the roles' config copy and the gRPC sockets
  std::filesystem::path socket_dir_;
  std::optional<ipc::Segment> segment_;
  Board board_;
  std::unique_ptr<MetricsServer> metrics_;  // reads board_: stopped before the segment goes
  std::vector<Child> children_;
  std::vector<std::string> failures_;
  std::optional<FaultInjector> faults_;  // from the run's start
  std::vector<Replacement> replacements_;
  bool client_lost_ = false;
  std::int64_t last_liveness_check_ns_ = 0;
  std::size_t recovered_ = 0;  // failures_ whose role was replaced: the run went on
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
