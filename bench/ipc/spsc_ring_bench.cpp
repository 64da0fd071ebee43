// ring_micro_bench: the ring's hot path in one thread, with Google Benchmark. A producer step
// (try_claim, write the payload, commit) and a consumer step (poll, read the payload in the
// handler) per record, at payloads from 16 B to 16 KiB; the thread produces and then consumes, so
// the ring never fills. Cross-core costs (cache-line transfers, waking) are the ping-pong and
// throughput harnesses' business; this isolates the instructions.
//
// allocs_per_record counts calls to operator new in the measured loops: the hot path must not
// allocate (STYLE.md rule 10).
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/metrics/allocation_counter.hpp"
#include "bench/ipc/payload.hpp"
#include "engine/placement/affinity.hpp"
#include "ipc/ring/spsc_ring.hpp"

namespace pipescale::bench {
namespace {

// 1 MiB, the default capacity: its largest record (capacity/8 - 32 bytes) holds a 16 KiB payload.
constexpr std::uint64_t kCapacityBytes = 1 << 20;
constexpr std::uint64_t kMaxBatch = 64;

// A ring in process-local memory: the hot path is the same whichever mapping the bytes live in,
// and a benchmark binary that leaves no segment behind needs no cleanup.
class LocalRing {
 public:
  LocalRing() : memory_(std::aligned_alloc(ipc::kFalseSharingBytes, ipc::ring_bytes(kCapacityBytes))) {
    std::memset(memory_, 0, ipc::ring_bytes(kCapacityBytes));
    auto ring = ipc::init_ring(memory_, ipc::RingOptions{kCapacityBytes, 0});
    if (!ring) std::abort();
    writer_ = ipc::RingWriter(*ring);
    reader_ = ipc::RingReader(*ring);
  }
  LocalRing(const LocalRing&) = delete;
  LocalRing& operator=(const LocalRing&) = delete;
  ~LocalRing() { std::free(memory_); }

  void produce(std::uint32_t bytes, std::uint64_t sequence) {
    std::span<std::byte> payload;
    if (writer_.try_claim(bytes, payload) != ipc::RingStatus::kOk) std::abort();  // never full by construction
    write_payload(payload, sequence);
    ipc::RecordMeta meta;
    meta.correlation_id = sequence;
    writer_.commit(meta);
  }

  std::size_t consume(std::size_t limit) {
    return reader_.poll(
        [](const ipc::RecordView& record) {
          const PayloadRead read = read_payload(record.payload);
          benchmark::DoNotOptimize(read);
        },
        limit);
  }

 private:
  void* memory_;
  ipc::RingWriter writer_;
  ipc::RingReader reader_;
};

std::uint64_t batch_for(std::uint32_t bytes) {
  const std::uint64_t fits = kCapacityBytes / 2 / ipc::record_bytes(bytes);
  return fits < kMaxBatch ? fits : kMaxBatch;
}

void report(benchmark::State& state, std::uint64_t records, std::uint64_t allocations) {
  const auto bytes = static_cast<std::int64_t>(state.range(0));
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records) * bytes);
  // seconds per record, shown with an SI prefix ("5.1n" is 5.1 ns)
  state.counters["per_record"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_record"] = static_cast<double>(allocations) / static_cast<double>(records ? records : 1);
}

// One record through the ring per iteration: claim, write, commit, poll, read.
void BM_ClaimCommitPoll(benchmark::State& state) {
  const auto bytes = static_cast<std::uint32_t>(state.range(0));
  LocalRing ring;
  std::uint64_t sequence = 0;
  const std::uint64_t allocations_before = allocations_so_far();
  for (auto _ : state) {
    ring.produce(bytes, sequence++);
    if (ring.consume(1) != 1) std::abort();
  }
  report(state, sequence, allocations_so_far() - allocations_before);
}

// Times one side of the ring over a batch of records with the steady clock (manual time: Google
// Benchmark's PauseTiming costs more than a small record); the other side runs untimed.
template <bool kTimeProducer>
void batched(benchmark::State& state) {
  const auto bytes = static_cast<std::uint32_t>(state.range(0));
  const std::uint64_t batch = batch_for(bytes);
  LocalRing ring;
  std::uint64_t sequence = 0;
  const std::uint64_t allocations_before = allocations_so_far();
  for (auto _ : state) {
    const auto produce_start = std::chrono::steady_clock::now();
    for (std::uint64_t index = 0; index < batch; ++index) ring.produce(bytes, sequence++);
    const auto consume_start = std::chrono::steady_clock::now();
    if (ring.consume(batch) != batch) std::abort();
    const auto consume_end = std::chrono::steady_clock::now();
    const auto timed = kTimeProducer ? consume_start - produce_start : consume_end - consume_start;
    state.SetIterationTime(std::chrono::duration<double>(timed).count());
  }
  report(state, sequence, allocations_so_far() - allocations_before);
}

void BM_ClaimCommit(benchmark::State& state) { batched<true>(state); }
void BM_Poll(benchmark::State& state) { batched<false>(state); }

void payload_sizes(benchmark::internal::Benchmark* bench) {
  for (const std::int64_t bytes : {16, 64, 1024, 16 * 1024}) bench->Arg(bytes);
  bench->ArgName("payload_bytes");
}

BENCHMARK(BM_ClaimCommitPoll)->Apply(payload_sizes);
BENCHMARK(BM_ClaimCommit)->Apply(payload_sizes)->UseManualTime();
BENCHMARK(BM_Poll)->Apply(payload_sizes)->UseManualTime();

}  // namespace
}  // namespace pipescale::bench

// Google Benchmark's main, after pinning the process to one core (the second of the pair the other
// harnesses use), so that the scheduler does not move it mid-measurement.
int main(int argc, char** argv) {
  const std::vector<int> cores = pipescale::engine::pick_two_cores();
  if (auto bound = pipescale::engine::bind_process_to_pus({cores.back()}); !bound) {
    std::fprintf(stderr, "warning: running unpinned: %s\n", bound.error().message.c_str());
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
