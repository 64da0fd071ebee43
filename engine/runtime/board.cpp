#include "engine/runtime/board.hpp"

#include <cstring>
#include <new>

namespace pipescale::engine {
namespace {

constexpr std::uint64_t kPage = 4096;
const std::string kControlRegion = "stats.control";

const std::string kRequestLogRegion = "reqlog";

std::string region_of(const std::string& process) { return "stats." + process; }
std::string timeline_region_of(const std::string& process) { return "timeline." + process; }

std::uint64_t timeline_bytes(const ProcessSpec& process, std::uint32_t records) {
  switch (process.role) {
    case RoleKind::kClient: return 0;
    case RoleKind::kFrontend: return roles::FrontendTimeline::bytes_for(records);
    case RoleKind::kWorker: return roles::WorkerTimeline::bytes_for(records);
    case RoleKind::kScheduler: return roles::SchedulerTimeline::bytes_for(records);
  }
  return 0;
}

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
  board.frontend_timelines.assign(stages, nullptr);
  board.worker_timelines.assign(stages, {});
  for (const ProcessSpec& process : topology.processes) {
    if (process.role == RoleKind::kWorker) {
      auto& stage = board.workers[static_cast<std::size_t>(process.stage)];
      if (stage.size() <= static_cast<std::size_t>(process.index)) {
        stage.resize(static_cast<std::size_t>(process.index) + 1);
        board.worker_timelines[static_cast<std::size_t>(process.stage)].resize(stage.size());
      }
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

// A timeline table at `address` (laid out or found), by the role of its process.
void place_timeline(Board& board, const ProcessSpec& process, void* address) {
  const auto stage = static_cast<std::size_t>(process.stage);
  switch (process.role) {
    case RoleKind::kClient: break;
    case RoleKind::kScheduler: board.scheduler_timeline = static_cast<roles::SchedulerTimeline*>(address); break;
    case RoleKind::kFrontend: board.frontend_timelines[stage] = static_cast<roles::FrontendTimeline*>(address); break;
    case RoleKind::kWorker:
      board.worker_timelines[stage][static_cast<std::size_t>(process.index)] =
          static_cast<roles::WorkerTimeline*>(address);
      break;
  }
}

template <class Table>
void init_table(void* address, std::uint32_t records) {
  static_cast<Table*>(new (address) Table())->capacity.set(records);
}

void init_timeline(const ProcessSpec& process, void* address, std::uint32_t records) {
  switch (process.role) {
    case RoleKind::kClient: break;
    case RoleKind::kScheduler: init_table<roles::SchedulerTimeline>(address, records); break;
    case RoleKind::kFrontend: init_table<roles::FrontendTimeline>(address, records); break;
    case RoleKind::kWorker: init_table<roles::WorkerTimeline>(address, records); break;
  }
}

// The capacity a found timeline claims, checked against its region: a table is trusted only if it fits.
bool timeline_fits(const ProcessSpec& process, const void* address, std::uint64_t bytes) {
  if (bytes < timeline_bytes(process, 0)) return false;
  // Every table starts with its capacity (record_table.hpp), whatever its record.
  const auto* table = static_cast<const roles::WorkerTimeline*>(address);
  return timeline_bytes(process, table->capacity.get()) <= bytes;
}

}  // namespace

RoleHeader* Board::header(const ProcessSpec& process) const {
  const auto found = headers.find(process.name);
  return found == headers.end() ? nullptr : found->second;
}

std::uint64_t board_bytes(const Topology& topology, const BoardSize& size) {
  std::uint64_t total = page_round(control_bytes(topology));
  total += page_round(roles::RequestLogTable::bytes_for(size.request_log_entries, size.stage_count));
  for (const ProcessSpec& process : topology.processes) {
    total += page_round(block_bytes(process, size.rows)) + page_round(timeline_bytes(process, size.timeline_records));
  }
  return total;
}

namespace {

// Lays out and initialises every block in the memory `allocate(region name, bytes)` returns.
template <class Allocate>
Result<Board> lay_out_board(const Topology& topology, const BoardSize& size, Allocate&& allocate) {
  const std::uint32_t rows = size.rows;
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
        new (stats->rows(rows).data()) roles::ClientRow[rows]();
        break;
      }
      case RoleKind::kFrontend: {
        auto* stats = new (*region) roles::FrontendStats();
        stats->row_capacity.set(rows);
        new (stats->rows(rows).data()) roles::FrontendRow[rows]();
        break;
      }
      case RoleKind::kWorker: new (*region) roles::WorkerStats(); break;
      case RoleKind::kScheduler: new (*region) roles::SchedulerStats(); break;
    }
    place(board, process, *region);
    if (process.role == RoleKind::kClient) continue;
    auto timeline = allocate(timeline_region_of(process.name), timeline_bytes(process, size.timeline_records));
    if (!timeline) return Error{"stats board: " + timeline.error().message};
    init_timeline(process, *timeline, size.timeline_records);
    place_timeline(board, process, *timeline);
  }
  board.timeline_capacity = size.timeline_records;
  board.row_capacity = rows;
  board.request_log_bytes = roles::RequestLogTable::bytes_for(size.request_log_entries, size.stage_count);
  auto log = allocate(kRequestLogRegion, board.request_log_bytes);
  if (!log) return Error{"stats board: " + log.error().message};
  board.request_log = roles::RequestLogTable::create(*log, size.request_log_entries, size.stage_count);
  return board;
}

}  // namespace

Result<Board> create_board(ipc::Segment& segment, const Topology& topology, const BoardSize& size) {
  return lay_out_board(topology, size, [&](const std::string& name, std::uint64_t bytes) -> Result<void*> {
    auto region = segment.allocate(name, bytes, ipc::RegionKind::kBytes);
    if (!region) return region.error();
    return region->address;
  });
}

void LocalBoard::PageFree::operator()(std::byte* block) const { ::operator delete (block, std::align_val_t{kPage}); }

Result<LocalBoard> LocalBoard::create(const Topology& topology, const BoardSize& board_size) {
  LocalBoard local;
  auto board =
      lay_out_board(topology, board_size, [&](const std::string& /*name*/, std::uint64_t bytes) -> Result<void*> {
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

namespace {

Result<Board> find_request_log(const ipc::Segment& segment, Board& board) {
  auto log = segment.find(kRequestLogRegion, ipc::RegionKind::kBytes);
  if (!log) return Error{"stats board: " + log.error().message};
  auto* table = static_cast<roles::RequestLogTable*>(log->address);
  if (log->bytes < sizeof(roles::RequestLogTable) || table->stage_count.get() > roles::kMaxStages ||
      roles::RequestLogTable::bytes_for(table->capacity.get(), table->stage_count.get()) > log->bytes) {
    return Error{"stats board: the request log's capacity does not fit its region"};
  }
  board.request_log = table;
  board.request_log_bytes = log->bytes;
  return std::move(board);
}

}  // namespace

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
    if (process.role == RoleKind::kClient) {
      board.row_capacity = board.client->row_capacity.get();
      if (roles::ClientStats::bytes_for(board.row_capacity) > region->bytes) {
        return Error{"stats board: the client block's row count does not fit its region"};
      }
    }
    if (process.role == RoleKind::kFrontend) {
      const auto* stats = board.frontends[static_cast<std::size_t>(process.stage)];
      if (roles::FrontendStats::bytes_for(stats->row_capacity.get()) > region->bytes) {
        return Error{"stats board: the " + process.name + " block's row count does not fit its region"};
      }
    }
    if (process.role == RoleKind::kClient) continue;
    auto timeline = segment.find(timeline_region_of(process.name), ipc::RegionKind::kBytes);
    if (!timeline) return Error{"stats board: " + timeline.error().message};
    if (!timeline_fits(process, timeline->address, timeline->bytes)) {
      return Error{"stats board: the " + process.name + " timeline's capacity does not fit its region"};
    }
    place_timeline(board, process, timeline->address);
  }
  return find_request_log(segment, board);
}

}  // namespace pipescale::engine
