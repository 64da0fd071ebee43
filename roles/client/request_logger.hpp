#pragma once
// The Client's side of the per-request log (roles/common/request_log.hpp): it claims an entry when
// a sampled request is sent, fills its outcome and stamps when the request is accounted for, and
// marks the ones that never came back at the end. Nothing here allocates after attach() (the
// id -> entry index is reserved for the requests the Client expects) or writes anything out.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "roles/client/trace/request_trace.hpp"
#include "roles/common/request_log.hpp"

namespace pipescale::roles {

class RequestLogger {
 public:
  // Logs into `table` the ids request_sampled(seed, id, sample) keeps; `expected_requests`
  // reserves the index. Without attach() nothing is logged.
  void attach(RequestLogTable& table, std::uint64_t seed, double sample, std::size_t expected_requests);
  [[nodiscard]] bool attached() const { return table_ != nullptr; }

  // Request `id` (ids are 0, 1, 2, ... in send order) was sent.
  // `tokens`: the counts the trace gave it, if any (kept in the entry's token columns).
  void sent(std::uint64_t id, std::int64_t intended_ns, std::int64_t actual_ns, bool counted,
            std::optional<TokenCounts> tokens = std::nullopt);
  // It came back with an outcome and the stamps it carries.
  void returned(const schema::Request& request, std::int64_t now_ns);
  // Its outcome is known without the request (its first hop failed or was refused).
  void returned_bare(std::uint64_t id, const Outcome& outcome, std::int64_t now_ns);
  // The end of the run: every logged request still out is marked unreturned (failed).
  void finish(std::int64_t now_ns);

 private:
  RequestLogEntry* entry_of(std::uint64_t id);

  RequestLogTable* table_ = nullptr;
  std::uint64_t seed_ = 0;
  double sample_ = 1.0;
  std::vector<std::uint32_t> index_;  // by id: entry index + 1, 0 when not logged
};

}  // namespace pipescale::roles
