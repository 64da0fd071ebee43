#include "services/method_specs.hpp"

#include <algorithm>

namespace pipescale::services {

namespace {

std::array<ipc::MethodSpec, kRpcCount> collect_specs() {
  std::array<ipc::MethodSpec, kRpcCount> specs{};
  auto out = specs.begin();
  for (const auto service : {method_specs<ClientRpc>(), method_specs<FrontendRpc>(), method_specs<WorkerRpc>(),
                             method_specs<SchedulerRpc>()}) {
    out = std::copy(service.begin(), service.end(), out);
  }
  return specs;
}

}  // namespace

std::span<const ipc::MethodSpec> all_method_specs() {
  static const std::array<ipc::MethodSpec, kRpcCount> kAll = collect_specs();
  return kAll;
}

}  // namespace pipescale::services
