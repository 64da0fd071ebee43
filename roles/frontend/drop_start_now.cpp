// "start_now": drop only what would miss even if started now, alone in a batch:
// now + L(1) + path > deadline. Blind to the queue; kept to rerun the comparison with "deadline".
#include "roles/frontend/drop_policy.hpp"

namespace pipescale::roles {
namespace {

class StartNowDrop final : public DropPolicy {
 public:
  explicit StartNowDrop(const DropParams& params) : profile_(params.profile), path_(params.path) {}

  [[nodiscard]] bool should_drop(const DropCheck& check) const override {
    return roles::should_drop(check.now_ns, check.deadline_ns, profile_, path_);
  }

 private:
  LatencyProfile profile_;
  DeadlinePath path_;
};

}  // namespace

std::unique_ptr<DropPolicy> make_start_now_drop(const DropParams& params) {
  return std::make_unique<StartNowDrop>(params);
}

}  // namespace pipescale::roles
