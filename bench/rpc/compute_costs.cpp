#include "bench/rpc/compute_costs.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bench/ipc/payload.hpp"
#include "bench/rpc/rpc_messages.hpp"
#include "bench/rpc/shm_rpc.hpp"
#include "ipc/common/clock.hpp"
#include "schemas/verify.hpp"

namespace pipescale::bench {
namespace {

constexpr int kBatches = 31;
constexpr int kPerBatch = 2'000;
constexpr std::int64_t kBaseTimeNs = 1'000'000'000'000;  // send times for the encode loop: no clock read

// The median over batches of the mean time per call of op(); op returns false to stop.
template <class Op>
double median_ns(Op&& op) {
  std::vector<double> means;
  means.reserve(kBatches);
  for (int batch = 0; batch < kBatches; ++batch) {
    const std::int64_t start_ns = ipc::monotonic_ns();
    for (int call = 0; call < kPerBatch; ++call) {
      if (!op()) return 0;
    }
    means.push_back(static_cast<double>(ipc::monotonic_ns() - start_ns) / kPerBatch);
  }
  std::nth_element(means.begin(), means.begin() + kBatches / 2, means.end());
  return means[kBatches / 2];
}

std::vector<std::byte> copy_of(const flatbuffers::FlatBufferBuilder& builder) {
  const std::span<const std::byte> bytes = finished_bytes(builder);
  return {bytes.begin(), bytes.end()};
}

Result<double> local_round_trip_ns(std::size_t stage_visits, RingMethod method) {
  auto segment = RpcSegment::create(std::uint64_t{64} * 1024);
  if (!segment) return segment.error();
  auto server_end = attach_rpc_end(segment->segment(), true);
  auto client_end = attach_rpc_end(segment->segment(), false);
  if (!server_end || !client_end) return (!server_end ? server_end.error() : client_end.error());
  ShmRpcServer server(server_end->own_bell);
  if (auto bound = server.bind(server_end->regions); !bound) return bound.error();
  ShmRpcClient client(client_end->own_bell, 1, stage_visits);
  if (auto connected = client.connect(client_end->regions); !connected) return connected.error();
  std::uint64_t id = 1;
  // One clock read for the whole measurement (the calls' deadlines are 5 s away): a read per call
  // would add its ~20 ns to what is meant to be the rpc layer's and the messages' work alone.
  const std::int64_t now = ipc::monotonic_ns();
  const auto call = [&] {
    if (!client.start(method, id++, now)) return false;
    return server.poll(now) == 1 && client.poll(now) == 1;
  };
  for (int warmup = 0; warmup < kPerBatch; ++warmup) {
    if (!call()) return Error{"the in-process round trip failed"};
  }
  const double ns = median_ns(call);
  if (ns == 0 || client.completed() != id - 1) return Error{"the in-process round trip failed"};
  return ns;
}

}  // namespace

Result<ComputeCosts> measure_compute_costs(std::size_t stage_visits) {
  ComputeCosts costs;
  flatbuffers::FlatBufferBuilder builder(1024);
  std::uint64_t id = 1;
  costs.encode_request_ns = median_ns([&] {
    const std::uint64_t request_id = id++;
    builder.Clear();
    build_request(builder, request_id, kBaseTimeNs + static_cast<std::int64_t>(request_id) * 1000, stage_visits);
    do_not_optimize(builder.GetSize());
    return true;
  });
  const std::vector<std::byte> request = copy_of(builder);
  costs.verify_request_ns = median_ns([&] { return ps::verify_message<ps::Request>(request); });
  flatbuffers::FlatBufferBuilder response_builder(256);
  costs.answer_ns = median_ns([&] {
    response_builder.Clear();
    build_response(response_builder, answer(*flatbuffers::GetRoot<ps::Request>(request.data())));
    do_not_optimize(response_builder.GetSize());
    return true;
  });
  const std::vector<std::byte> response = copy_of(response_builder);
  const std::uint64_t expected = flatbuffers::GetRoot<ps::Response>(response.data())->request_id();
  costs.verify_response_ns = median_ns([&] {
    const ps::Response* read = ps::verified_root<ps::Response>(response);
    return read != nullptr && response_matches(*read, expected);
  });
  auto local = local_round_trip_ns(stage_visits, RingMethod::kStandard);
  if (!local) return local.error();
  costs.local_round_trip_ns = *local;
  auto bare = local_round_trip_ns(stage_visits, RingMethod::kBare);
  if (!bare) return bare.error();
  costs.local_bare_round_trip_ns = *bare;
  return costs;
}

}  // namespace pipescale::bench
