// Encode, verify and read each message type, and Batches of 1, 8, 32 and 64 requests.
// Each benchmark owns one FlatBufferBuilder and Clear()s it per message, as the roles do: the
// builder keeps its memory, so after one warm-up message nothing allocates. The allocs_per_msg
// counter measures that (it must read 0), bytes is the encoded size. Verification uses
// schemas/verify.hpp, the same limits every transport applies.
#include <benchmark/benchmark.h>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "base/metrics/allocation_counter.hpp"
#include "bench/schemas/message_codecs.hpp"
#include "schemas/verify.hpp"

namespace pipescale::bench {
namespace {

constexpr std::size_t kInitialBuilderBytes = 1024;

template <class Message>
std::size_t requests_per_batch(const benchmark::State& state) {
  if constexpr (std::is_same_v<Message, ps::Batch>) {
    return static_cast<std::size_t>(state.range(0));
  } else {
    return 0;
  }
}

template <class Message>
void encode_one(EncodeContext& context) {
  context.builder.Clear();
  context.builder.Finish(Codec<Message>::encode(context));
}

template <class Message>
void prepare(EncodeContext& context, const benchmark::State& state) {
  context.batch_requests = requests_per_batch<Message>(state);
  context.request_offsets.reserve(context.batch_requests);
  encode_one<Message>(context);  // warm-up: the builder grows to its final size here
}

std::span<const std::byte> encoded(const EncodeContext& context) {
  return {reinterpret_cast<const std::byte*>(context.builder.GetBufferPointer()), context.builder.GetSize()};
}

void report(benchmark::State& state, const EncodeContext& context, std::uint64_t allocations) {
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["bytes"] = static_cast<double>(context.builder.GetSize());
  state.counters["allocs_per_msg"] = static_cast<double>(allocations) / iterations;
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(context.builder.GetSize()));
}

template <class Message>
void BM_Encode(benchmark::State& state) {
  EncodeContext context(kInitialBuilderBytes);
  prepare<Message>(context, state);
  const std::uint64_t allocations_before = allocations_so_far();
  for (auto _ : state) {
    encode_one<Message>(context);
    benchmark::DoNotOptimize(context.builder.GetBufferPointer());
    benchmark::ClobberMemory();
  }
  report(state, context, allocations_so_far() - allocations_before);
}

template <class Message>
void BM_Verify(benchmark::State& state) {
  EncodeContext context(kInitialBuilderBytes);
  prepare<Message>(context, state);
  const std::span<const std::byte> payload = encoded(context);
  if (!schema::verify_message<Message>(payload)) {
    state.SkipWithError("the encoded message fails verification");
    return;
  }
  const std::uint64_t allocations_before = allocations_so_far();
  for (auto _ : state) {
    benchmark::DoNotOptimize(payload.data());
    bool ok = schema::verify_message<Message>(payload);
    benchmark::DoNotOptimize(ok);
  }
  report(state, context, allocations_so_far() - allocations_before);
}

template <class Message>
void BM_Read(benchmark::State& state) {
  EncodeContext context(kInitialBuilderBytes);
  prepare<Message>(context, state);
  const std::span<const std::byte> payload = encoded(context);
  const std::uint64_t allocations_before = allocations_so_far();
  for (auto _ : state) {
    benchmark::DoNotOptimize(payload.data());
    std::uint64_t checksum = Codec<Message>::read(*fb::GetRoot<Message>(payload.data()));
    benchmark::DoNotOptimize(checksum);
  }
  report(state, context, allocations_so_far() - allocations_before);
}

#define PIPESCALE_MESSAGE_BENCHMARKS(Message) \
  BENCHMARK_TEMPLATE(BM_Encode, ps::Message); \
  BENCHMARK_TEMPLATE(BM_Verify, ps::Message); \
  BENCHMARK_TEMPLATE(BM_Read, ps::Message)

PIPESCALE_MESSAGE_BENCHMARKS(Request);
PIPESCALE_MESSAGE_BENCHMARKS(Response);
PIPESCALE_MESSAGE_BENCHMARKS(BatchResponse);
PIPESCALE_MESSAGE_BENCHMARKS(Order);
PIPESCALE_MESSAGE_BENCHMARKS(OrderResponse);
PIPESCALE_MESSAGE_BENCHMARKS(Feedback);
PIPESCALE_MESSAGE_BENCHMARKS(FeedbackResponse);
PIPESCALE_MESSAGE_BENCHMARKS(QueueInformation);
PIPESCALE_MESSAGE_BENCHMARKS(QueueInformationResponse);
PIPESCALE_MESSAGE_BENCHMARKS(BatchSize);
PIPESCALE_MESSAGE_BENCHMARKS(BatchSizeResponse);
PIPESCALE_MESSAGE_BENCHMARKS(FrontendInformation);
PIPESCALE_MESSAGE_BENCHMARKS(FrontendInformationResponse);

// A Batch's argument is its number of requests.
BENCHMARK_TEMPLATE(BM_Encode, ps::Batch)->Arg(1)->Arg(8)->Arg(32)->Arg(64);
BENCHMARK_TEMPLATE(BM_Verify, ps::Batch)->Arg(1)->Arg(8)->Arg(32)->Arg(64);
BENCHMARK_TEMPLATE(BM_Read, ps::Batch)->Arg(1)->Arg(8)->Arg(32)->Arg(64);

}  // namespace
}  // namespace pipescale::bench

BENCHMARK_MAIN();
