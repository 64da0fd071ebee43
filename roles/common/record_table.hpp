#pragma once
// A fixed-capacity table of plain records in memory that one role writes and the launcher reads
// once the role has exited: the bounded sources of the run's timeline (trace.json) and request
// log. The table and its records are allocated and zeroed at set-up, in the run's segment (or the
// simulator's own memory); appending copies one small struct into the next slot and moves a
// counter, so the hot path neither allocates nor writes anything out. When the table is full a
// record is counted in `overflow` and not kept: memory stays bounded however long the run.
//
// One writer (the role's thread); records are plain data, read only after the writer exited
// (process exit and waitpid order them, as for role_stats.hpp). A reader trusts no count it
// reads: records() never reaches past the capacity the region was laid out with.
#include <cstdint>
#include <span>
#include <type_traits>

#include "roles/common/role_stats.hpp"

namespace pipescale::roles {

template <class Record>
struct RecordTable {
  static_assert(std::is_trivially_copyable_v<Record> && std::is_standard_layout_v<Record>,
                "lives in shared memory: plain data only");
  SharedValue<std::uint32_t> capacity;
  SharedValue<std::uint32_t> count;
  Counter overflow;  // records not kept because the table was full

  // False (and counted) when full.
  bool append(const Record& record) {
    const std::uint32_t n = count.get();
    if (n >= capacity.get()) {
      overflow.add(1);
      return false;
    }
    slots()[n] = record;
    count.set(n + 1);
    return true;
  }
  // The records written, at most `capacity_bound` (the capacity the reader laid the region out
  // with, never one read back from shared memory).
  [[nodiscard]] std::span<const Record> records(std::uint32_t capacity_bound) const {
    std::uint32_t n = count.get();
    if (n > capacity_bound) n = capacity_bound;
    if (n > capacity.get()) n = capacity.get();
    return {reinterpret_cast<const Record*>(this + 1), n};
  }
  static constexpr std::uint64_t bytes_for(std::uint32_t records) {
    return sizeof(RecordTable) + std::uint64_t{records} * sizeof(Record);
  }

 private:
  Record* slots() { return reinterpret_cast<Record*>(this + 1); }
};

// What a Worker did, one record per span on its timeline track.
enum class WorkerSpanKind : std::uint8_t { kBatch = 0, kWarming = 1, kDraining = 2 };
struct WorkerSpan {
  std::int64_t begin_ns = 0;
  std::int64_t end_ns = 0;
  std::uint64_t batch_id = 0;  // kBatch only
  std::uint32_t size = 0;      // requests in the batch
  WorkerSpanKind kind = WorkerSpanKind::kBatch;
  std::uint8_t trigger = 0;  // schema::BatchTrigger
};

// A Frontend's queue and batch size: one sample at each batch cut (cut_size > 0) and at each
// report to the Scheduler (cut_size == 0).
struct FrontendSample {
  std::int64_t t_ns = 0;
  std::int32_t queue_length = 0;  // requests waiting, after the cut
  std::int32_t batch_size = 0;    // the Scheduler's batch size in force
  std::int32_t cut_size = 0;      // requests in the batch just cut
  std::int32_t active_workers = 0;
};

// One BatchSize decision the Scheduler sent.
struct DecisionRecord {
  std::int64_t decided_ns = 0;
  std::uint64_t decision_id = 0;
  double estimate_rps = 0.0;
  std::int64_t budget_ns = 0;
  std::uint32_t batch_size = 0;
  std::uint32_t workers = 0;
  std::uint16_t stage = 0;
};

using WorkerTimeline = RecordTable<WorkerSpan>;
using FrontendTimeline = RecordTable<FrontendSample>;
using SchedulerTimeline = RecordTable<DecisionRecord>;

}  // namespace pipescale::roles
