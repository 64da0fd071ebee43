// "deadline" (the default): drop when the estimated completion misses the deadline,
// finish + path (configured and measured) + downstream > deadline (README.md, "The drop rule"); finishing exactly at
// the deadline meets it. A negative downstream report counts as 0.
#include <algorithm>

#include "roles/frontend/drop_policy.hpp"

namespace pipescale::roles {
namespace {

class DeadlineDrop final : public DropPolicy {
 public:
  explicit DeadlineDrop(const DropParams& params) : path_ns_(params.path.total_ns()) {}

  [[nodiscard]] bool should_drop(const DropCheck& check) const override {
    return check.finish_ns + path_ns_ + check.measured_hops_ns +
               std::max<std::int64_t>(0, check.downstream_backlog_ns) >
           check.deadline_ns;
  }

 private:
  std::int64_t path_ns_;
};

}  // namespace

std::unique_ptr<DropPolicy> make_deadline_drop(const DropParams& params) {
  return std::make_unique<DeadlineDrop>(params);
}

}  // namespace pipescale::roles
