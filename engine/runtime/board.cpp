#include "engine/runtime/board.hpp"

#include <cstring>
#include <new>

namespace pipescale::engine {
namespace {

constexpr std::uint64_t kPage = 4096;
const std::string kControlRegion = "stats.control";

std::string region_of(const std::string& process) { return "stats." + process; }

std::uint64_t block_bytes(const ProcessSpec& process, std::uint32_t rows) {
  switch (process.role) {
    case RoleKind::kClient: return roles::ClientStats::bytes_for(rows);
    case RoleKind::kFrontend: return roles::FrontendStats::bytes_for(rows);
    case RoleKind::kWorker: return sizeof(roles::WorkerStats);
    case RoleKind::kScheduler: return sizeof(roles::SchedulerStats);
  }
  return 0;
}

std::uint64_t page_round(std::uint64_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

// The control word, then one header per process in topology order.
std::uint64_t control_bytes(const Topology& topology) {
  return sizeof(RunControl) + topology.processes.size() * sizeof(RoleHeader);
}

void place_headers(Board& board, const Topology& topology, void* control_region) {
  auto* headers = reinterpret_cast<RoleHeader*>(static_cast<RunControl*>(control_region) + 1);
  for (std::size_t i = 0; i < topology.processes.size(); ++i) board.headers[topology.processes[i].name] = &headers[i];
}

void shape(Board& board, const Topology& topology) {
  const auto stages = static_cast<std::size_t>(topology.stage_count());
  board.frontends.assign(stages, nullptr);
  board.workers.assign(stages, {});
  for (const ProcessSpec& process : topology.processes) {
    if (process.role == RoleKind::kWorker) {
      auto& stage = board.workers[static_cast<std::size_t>(process.stage)];
      if (stage.size() <= static_cast<std::size_t>(process.index))
        stage.resize(static_cast<std::size_t>(process.index) + 1);
    }
  }
}

void place(Board& board, const ProcessSpec& process, void* address) {
  switch (process.role) {
    case RoleKind::kClient: board.client = static_cast<roles::ClientStats*>(address); break;
    case RoleKind::kScheduler: board.scheduler = static_cast<roles::SchedulerStats*>(address); break;
    case RoleKind::kFrontend:
      board.frontends[static_cast<std::size_t>(process.stage)] = static_cast<roles::FrontendStats*>(address);
      break;
    case RoleKind::kWorker:
      board.workers[static_cast<std::size_t>(process.stage)][static_cast<std::size_t>(process.index)] =
          static_cast<roles::WorkerStats*>(address);
      break;
  }
}

}  // namespace

RoleHeader* Board::header(const ProcessSpec& process) const {
  const auto found = headers.find(process.name);
  return found == headers.end() ? nullptr : found->second;
}

std::uint64_t board_bytes(const Topology& topology, std::uint32_t rows) {
  std::uint64_t total = page_round(control_bytes(topology));
  for (const ProcessSpec& process : topology.processes) total += page_round(block_bytes(process, rows));
  return total;
}

namespace {

// Lays out and initialises every block in the memory `allocate(region name, bytes)` returns.
template <class Allocate>
Result<Board> lay_out_board(const Topology& topology, std::uint32_t rows, Allocate&& allocate) {
  Board board;
  shape(board, topology);
  auto control = allocate(kControlRegion, control_bytes(topology));
  if (!control) return Error{"stats board: " + control.error().message};
  board.control = new (*control) RunControl();
  new (board.control + 1) RoleHeader[topology.processes.size()]();
  place_headers(board, topology, *control);
  for (const ProcessSpec& process : topology.processes) {
    auto region = allocate(region_of(process.name), block_bytes(process, rows));
    if (!region) return Error{"stats board: " + region.error().message};
    switch (process.role) {
      case RoleKind::kClient: {
        auto* stats = new (*region) roles::ClientStats();
        stats->row_capacity.set(rows);
        new (stats->rows().data()) roles::ClientRow[rows]();
        break;
      }
      case RoleKind::kFrontend: {
        auto* stats = new (*region) roles::FrontendStats();
        stats->row_capacity.set(rows);
        new (stats->rows().data()) roles::FrontendRow[rows]();
        break;
      }
      case RoleKind::kWorker: new (*region) roles::WorkerStats(); break;
      case RoleKind::kScheduler: new (*region) roles::SchedulerStats(); break;
    }
    place(board, process, *region);
  }
  return board;
}

}  // namespace

Result<Board> create_board(ipc::Segment& segment, const Topology& topology, std::uint32_t rows) {
  return lay_out_board(topology, rows, [&](const std::string& name, std::uint64_t bytes) -> Result<void*> {
    auto region = segment.allocate(name, bytes, ipc::RegionKind::kBytes);
    if (!region) return region.error();
    return region->address;
  });
}

void LocalBoard::PageFree::operator()(std::byte* block) const { ::operator delete (block, std::align_val_t{kPage}); }

Result<LocalBoard> LocalBoard::create(const Topology& topology, std::uint32_t rows) {
  LocalBoard local;
  auto board = lay_out_board(topology, rows, [&](const std::string& /*name*/, std::uint64_t bytes) -> Result<void*> {
    const std::uint64_t size = page_round(bytes);
    auto* block = static_cast<std::byte*>(::operator new (size, std::align_val_t{kPage}));
    local.blocks_.emplace_back(block);
    std::memset(block, 0, size);
    return static_cast<void*>(block);
  });
  if (!board) return board.error();
  local.board_ = std::move(*board);
  return local;
}

Result<Board> find_board(const ipc::Segment& segment, const Topology& topology) {
  Board board;
  shape(board, topology);
  auto control = segment.find(kControlRegion, ipc::RegionKind::kBytes);
  if (!control) return Error{"stats board: " + control.error().message};
  if (control->bytes < control_bytes(topology)) return Error{"stats board: control region too small"};
  board.control = static_cast<RunControl*>(control->address);
  place_headers(board, topology, control->address);
  for (const ProcessSpec& process : topology.processes) {
    auto region = segment.find(region_of(process.name), ipc::RegionKind::kBytes);
    if (!region) return Error{"stats board: " + region.error().message};
    if (region->bytes < block_bytes(process, 0)) {
      return Error{"stats board: region '" + region_of(process.name) + "' is smaller than its block"};
    }
    place(board, process, region->address);
    // The rows the creator laid out must fit the region: never trust a count read from shared memory.
    if (process.role == RoleKind::kClient &&
        roles::ClientStats::bytes_for(board.client->row_capacity.get()) > region->bytes) {
      return Error{"stats board: the client block's row count does not fit its region"};
    }
    if (process.role == RoleKind::kFrontend) {
      const auto* stats = board.frontends[static_cast<std::size_t>(process.stage)];
      if (roles::FrontendStats::bytes_for(stats->row_capacity.get()) > region->bytes) {
        return Error{"stats board: the " + process.name + " block's row count does not fit its region"};
      }
    }
  }
  return board;
}

}  // namespace pipescale::engine
