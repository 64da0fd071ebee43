#include "roles/common/request_log.hpp"

#include <algorithm>
#include <cmath>
#include <new>

namespace pipescale::roles {

bool request_sampled(std::uint64_t seed, std::uint64_t request_id, double fraction) {
  if (fraction >= 1.0) return true;
  if (!(fraction > 0.0)) return false;
  // splitmix64's finaliser over (seed, id): ids in order map to uniform, independent-looking bits.
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + request_id + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  // The top 53 bits as a fraction in [0, 1): exact in a double.
  return static_cast<double>(z >> 11) * 0x1.0p-53 < fraction;
}

RequestLogTable* RequestLogTable::create(void* memory, std::uint32_t entries, std::uint32_t stages) {
  auto* table = new (memory) RequestLogTable();
  table->capacity.set(entries);
  table->stage_count.set(stages);
  return table;
}

RequestLogEntry* RequestLogTable::claim() {
  const std::uint32_t n = count.get();
  if (n >= capacity.get()) {
    not_logged.add(1);
    return nullptr;
  }
  count.set(n + 1);
  return &entry(n);
}

RequestLogEntry& RequestLogTable::entry(std::uint32_t index) {
  auto* base = reinterpret_cast<std::byte*>(this + 1);
  return *reinterpret_cast<RequestLogEntry*>(base + index * entry_bytes(stage_count.get()));
}

const RequestLogEntry& RequestLogTable::entry(std::uint32_t index) const {
  const auto* base = reinterpret_cast<const std::byte*>(this + 1);
  return *reinterpret_cast<const RequestLogEntry*>(base + index * entry_bytes(stage_count.get()));
}

schema::StageVisit* RequestLogTable::visits(RequestLogEntry& entry) const {
  return reinterpret_cast<schema::StageVisit*>(&entry + 1);
}

const schema::StageVisit* RequestLogTable::visits(const RequestLogEntry& entry) const {
  return reinterpret_cast<const schema::StageVisit*>(&entry + 1);
}

std::uint32_t RequestLogTable::readable(std::uint64_t region_bytes) const {
  if (region_bytes < sizeof(RequestLogTable)) return 0;
  const std::uint64_t fits = (region_bytes - sizeof(RequestLogTable)) / entry_bytes(stage_count.get());
  return static_cast<std::uint32_t>(std::min<std::uint64_t>({count.get(), capacity.get(), fits}));
}

void log_outcome(const RequestLogTable& table, RequestLogEntry& entry, const schema::Request& request,
                 std::int64_t returned_ns) {
  entry.outcome = request.outcome();
  entry.outcome_stage = request.outcome_stage();
  entry.drop_reason = request.drop_reason();
  entry.failure_status = request.failure_status();
  entry.decided_ns = request.ended_ns() != 0 ? request.ended_ns() : returned_ns;
  entry.returned_ns = returned_ns;
  entry.returned = 1;
  const auto* visits = request.stages();
  const std::uint32_t stages = table.stage_count.get();
  const std::uint32_t given = visits == nullptr ? 0 : std::min<std::uint32_t>(visits->size(), stages);
  schema::StageVisit* out = table.visits(entry);
  for (std::uint32_t s = 0; s < given; ++s) out[s] = *visits->Get(s);
  entry.visit_count = static_cast<std::uint16_t>(given);
}

}  // namespace pipescale::roles
