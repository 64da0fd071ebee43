#pragma once
// The run's statistics board: one region per process in the run's segment, holding that role's
// stats block (roles/common/role_stats.hpp), and one control region with the run's control word
// (run_control.hpp), followed by one RoleHeader per process in topology order. The
// launcher creates and zeroes them with the segment; every role process finds its own block and
// the control word by name; the launcher reads them all for progress and results.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/runtime/run_control.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/segment/segment.hpp"
#include "roles/common/record_table.hpp"
#include "roles/common/request_log.hpp"
#include "roles/common/role_stats.hpp"

namespace pipescale::engine {

// How much the board holds: rows per time series, and the bounded tables of the request log
// (entries) and of the timeline (records per role process). 0 entries or records: no table.
struct BoardSize {
  std::uint32_t rows = 0;
  std::uint32_t request_log_entries = 0;
  std::uint32_t timeline_records = 0;
  std::uint32_t stage_count = 0;  // visits per request log entry
};

struct Board {
  RunControl* control = nullptr;
  roles::ClientStats* client = nullptr;
  roles::SchedulerStats* scheduler = nullptr;
  std::vector<roles::FrontendStats*> frontends;           // [stage]
  std::vector<std::vector<roles::WorkerStats*>> workers;  // [stage][index]

  std::map<std::string, RoleHeader*> headers;  // by process name

  // Rows of the Client's and every Frontend's time series, as laid out (or checked against their
  // regions when found): readers bound rows by this, never by row_capacity in shared memory.
  std::uint32_t row_capacity = 0;

  // The request log and the timeline (record_table.hpp), with the capacities their regions were
  // laid out with: a reader bounds what it reads by these, never by a count in shared memory.
  roles::RequestLogTable* request_log = nullptr;
  std::uint64_t request_log_bytes = 0;
  std::uint32_t timeline_capacity = 0;
  roles::SchedulerTimeline* scheduler_timeline = nullptr;
  std::vector<roles::FrontendTimeline*> frontend_timelines;           // [stage]
  std::vector<std::vector<roles::WorkerTimeline*>> worker_timelines;  // [stage][index]

  // The header of any process, by its name in the topology; nullptr for a stranger.
  [[nodiscard]] RoleHeader* header(const ProcessSpec& process) const;
};

// Bytes the board takes in the segment (for sizing its arena).
std::uint64_t board_bytes(const Topology& topology, const BoardSize& size);
// Creator, before publish(): allocates and initialises every block and table.
Result<Board> create_board(ipc::Segment& segment, const Topology& topology, const BoardSize& size);
Result<Board> find_board(const ipc::Segment& segment, const Topology& topology);

// The same blocks, laid out alike, in this process's own memory: the simulator's board, where
// every role runs in one process. Movable; the Board's pointers stay valid as it moves.
class LocalBoard {
 public:
  static Result<LocalBoard> create(const Topology& topology, const BoardSize& size);
  [[nodiscard]] const Board& board() const { return board_; }

 private:
  struct PageFree {
    void operator()(std::byte* block) const;
  };
  LocalBoard() = default;
  std::vector<std::unique_ptr<std::byte, PageFree>> blocks_;
  Board board_;
};

}  // namespace pipescale::engine
