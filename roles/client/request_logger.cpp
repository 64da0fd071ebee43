#include "roles/client/request_logger.hpp"

#include <cstring>

namespace pipescale::roles {

void RequestLogger::attach(RequestLogTable& table, std::uint64_t seed, double sample, std::size_t expected_requests) {
  table_ = &table;
  seed_ = seed;
  sample_ = sample;
  index_.reserve(expected_requests);
  // Touch every page of the entries now (they are zero already), so that the first entry on
  // each page costs no page fault on the send path.
  const std::uint32_t capacity = table.capacity.get();
  if (capacity != 0) {
    std::memset(static_cast<void*>(&table.entry(0)), 0,
                capacity * RequestLogTable::entry_bytes(table.stage_count.get()));
  }
}

void RequestLogger::sent(std::uint64_t id, std::int64_t intended_ns, std::int64_t actual_ns, bool counted,
                         std::optional<TokenCounts> tokens) {
  if (table_ == nullptr) return;
  std::uint32_t slot = 0;
  if (request_sampled(seed_, id, sample_)) {
    if (RequestLogEntry* entry = table_->claim()) {
      slot = table_->count.get();  // claim() moved count past this entry
      entry->request_id = id;
      entry->intended_send_ns = intended_ns;
      entry->actual_send_ns = actual_ns;
      entry->counted = counted ? 1 : 0;
      if (tokens) {
        entry->has_tokens = 1;
        entry->context_tokens = tokens->context_tokens;
        entry->generated_tokens = tokens->generated_tokens;
      }
    }
  }
  // Ids arrive in order, so the index is appended; past the reservation it grows (a trace
  // longer than expected), the one case where the log allocates.
  if (id == index_.size()) index_.push_back(slot);
}

RequestLogEntry* RequestLogger::entry_of(std::uint64_t id) {
  if (table_ == nullptr || id >= index_.size() || index_[id] == 0) return nullptr;
  return &table_->entry(index_[id] - 1);
}

void RequestLogger::returned(const schema::Request& request, std::int64_t now_ns) {
  if (RequestLogEntry* entry = entry_of(request.request_id())) log_outcome(*table_, *entry, request, now_ns);
}

void RequestLogger::returned_bare(std::uint64_t id, const Outcome& outcome, std::int64_t now_ns) {
  RequestLogEntry* entry = entry_of(id);
  if (entry == nullptr) return;
  entry->outcome = outcome.outcome;
  entry->outcome_stage = outcome.stage;
  entry->drop_reason = outcome.drop_reason;
  entry->failure_status = outcome.failure_status;
  entry->decided_ns = outcome.ended_ns != 0 ? outcome.ended_ns : now_ns;
  entry->returned_ns = now_ns;
  entry->returned = 1;
}

void RequestLogger::finish(std::int64_t now_ns) {
  if (table_ == nullptr) return;
  const std::uint32_t n = table_->count.get();
  for (std::uint32_t i = 0; i < n; ++i) {
    RequestLogEntry& entry = table_->entry(i);
    if (entry.returned != 0) continue;
    entry.outcome = schema::Outcome::Failed;
    entry.unreturned = 1;
    entry.decided_ns = now_ns;
  }
}

}  // namespace pipescale::roles
