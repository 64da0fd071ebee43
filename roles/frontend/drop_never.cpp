// "never": every request is served, however late: to measure what dropping saves.
#include "roles/frontend/drop_policy.hpp"

namespace pipescale::roles {
namespace {

class NeverDrop final : public DropPolicy {
 public:
  [[nodiscard]] bool should_drop(const DropCheck& /*check*/) const override { return false; }
  [[nodiscard]] bool drops() const override { return false; }
};

}  // namespace

std::unique_ptr<DropPolicy> make_never_drop(const DropParams& /*params*/) { return std::make_unique<NeverDrop>(); }

}  // namespace pipescale::roles
