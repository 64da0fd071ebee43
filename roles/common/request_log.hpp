#pragma once
// The per-request log: one fixed-size entry per logged request, in a table the Client fills as it
// sends and accounts for requests, and the launcher writes out as requests.csv.gz once the Client
// has exited (engine/runtime/request_log_csv.hpp). Which requests are logged is decided by a
// seeded hash of the id (request_sampled), so a fraction `sample` of them is kept, the same ones
// on every run of the same seed, live or simulated, whatever the order they come back in.
//
// Layout: the table's header, then `capacity` entries, each a RequestLogEntry followed by
// `stage_count` StageVisits (the stamps the request came back with). Everything is allocated and
// zeroed at set-up; logging a send or an outcome copies a few hundred bytes into its entry.
#include <cstdint>

#include "roles/common/request_record.hpp"
#include "roles/common/role_stats.hpp"

namespace pipescale::roles {

struct RequestLogEntry {
  std::uint64_t request_id = 0;
  std::int64_t intended_send_ns = 0;
  std::int64_t actual_send_ns = 0;
  std::int64_t decided_ns = 0;   // when the outcome was decided (the request's ended_ns, or the Client's time)
  std::int64_t returned_ns = 0;  // when the Client took the outcome; 0 while outstanding or never
  std::uint16_t outcome_stage = 0;
  std::uint16_t failure_status = 0;  // ipc::StatusCode numbering
  schema::Outcome outcome = schema::Outcome::InFlight;
  schema::DropReason drop_reason = schema::DropReason::None;
  std::uint8_t counted = 0;     // 1: after the warm-up, in the summary's totals and percentiles
  std::uint8_t returned = 0;    // 1: the Client took its outcome
  std::uint8_t unreturned = 0;  // 1: never came back; counted as failed at the end of the drain
  std::uint8_t has_tokens = 0;  // 1: the trace gave token counts (azure_llm, or a requests trace's columns)
  std::uint16_t visit_count = 0;
  std::int64_t context_tokens = 0;
  std::int64_t generated_tokens = 0;
};

static_assert(sizeof(RequestLogEntry) == 72 && sizeof(schema::StageVisit) == 56, "engine/runtime/README.md sizes");

// True for the ids a log with this seed and fraction keeps: a splitmix64 hash of (seed, id)
// below fraction * 2^64. 1 keeps every id, 0 none.
[[nodiscard]] bool request_sampled(std::uint64_t seed, std::uint64_t request_id, double fraction);

struct RequestLogTable {
  SharedValue<std::uint32_t> capacity;
  SharedValue<std::uint32_t> stage_count;
  SharedValue<std::uint32_t> count;
  Counter not_logged;  // sampled, but the table was full

  static constexpr std::uint64_t entry_bytes(std::uint32_t stages) {
    return sizeof(RequestLogEntry) + std::uint64_t{stages} * sizeof(schema::StageVisit);
  }
  static constexpr std::uint64_t bytes_for(std::uint32_t entries, std::uint32_t stages) {
    return sizeof(RequestLogTable) + std::uint64_t{entries} * entry_bytes(stages);
  }
  // Lays out an empty table in `bytes_for(entries, stages)` zeroed bytes.
  static RequestLogTable* create(void* memory, std::uint32_t entries, std::uint32_t stages);

  // The next entry, or nullptr (counted in not_logged) when full.
  RequestLogEntry* claim();
  [[nodiscard]] RequestLogEntry& entry(std::uint32_t index);
  [[nodiscard]] const RequestLogEntry& entry(std::uint32_t index) const;
  [[nodiscard]] schema::StageVisit* visits(RequestLogEntry& entry) const;
  [[nodiscard]] const schema::StageVisit* visits(const RequestLogEntry& entry) const;
  // Entries written, bounded by what the region holds (`region_bytes`, known to the reader).
  [[nodiscard]] std::uint32_t readable(std::uint64_t region_bytes) const;
};

// Fills an entry's outcome from a returned request, its visits included.
void log_outcome(const RequestLogTable& table, RequestLogEntry& entry, const schema::Request& request,
                 std::int64_t returned_ns);

}  // namespace pipescale::roles
