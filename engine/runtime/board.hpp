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
#include "roles/common/role_stats.hpp"

namespace pipescale::engine {

struct Board {
  RunControl* control = nullptr;
  roles::ClientStats* client = nullptr;
  roles::SchedulerStats* scheduler = nullptr;
  std::vector<roles::FrontendStats*> frontends;           // [stage]
  std::vector<std::vector<roles::WorkerStats*>> workers;  // [stage][index]

  std::map<std::string, RoleHeader*> headers;  // by process name

  // The header of any process, by its name in the topology; nullptr for a stranger.
  [[nodiscard]] RoleHeader* header(const ProcessSpec& process) const;
};

// Bytes the board takes in the segment (for sizing its arena).
std::uint64_t board_bytes(const Topology& topology, std::uint32_t rows);
// Creator, before publish(): allocates and initialises every block; rows per time series.
Result<Board> create_board(ipc::Segment& segment, const Topology& topology, std::uint32_t rows);
Result<Board> find_board(const ipc::Segment& segment, const Topology& topology);

// The same blocks, laid out alike, in this process's own memory: the simulator's board, where
// every role runs in one process. Movable; the Board's pointers stay valid as it moves.
class LocalBoard {
 public:
  static Result<LocalBoard> create(const Topology& topology, std::uint32_t rows);
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
