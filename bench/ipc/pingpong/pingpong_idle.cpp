// The idle-CPU measurement: what a spin-then-park consumer costs when nothing arrives.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/ipc/pingpong/pingpong_session.hpp"
#include "bench/ipc/shm_link.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::bench {
namespace {

constexpr std::uint16_t kStopMethod = 1;

int idle_until_stopped(const std::string& segment_name) {
  auto segment = ipc::Segment::open(segment_name);
  auto end = segment ? attach_link_end(*segment, LinkSide::kChild) : Result<LinkEnd>(segment.error());
  if (!end) {
    std::fprintf(stderr, "idle consumer: %s\n", end.error().message.c_str());
    return 1;
  }
  ipc::IdleStrategy idle(ipc::WaitOptions{}, end->own_bell);
  bool stop = false;
  const auto handler = [&](const ipc::RecordView& record) { stop = record.meta.method_id == kStopMethod; };
  const auto has_work = [&] { return end->reader.has_data(); };
  announce_ready(*end->control);
  while (!stop) {
    if (end->reader.poll(handler) != 0) {
      idle.reset();
    } else {
      idle.idle(has_work);
    }
  }
  return 0;
}

std::int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

Result<IdleCpu> measure_idle_cpu(const PingPongConfig& config, double seconds) {
  auto link = ShmLink::create(config.ring_capacity_bytes);
  if (!link) return link.error();
  auto end = attach_link_end(link->segment(), LinkSide::kParent);
  if (!end) return end.error();
  auto child = ChildProcess::spawn(config.child_pu, [&] { return idle_until_stopped(link->name()); });
  if (!child) return child.error();
  if (auto ready = await_ready(*end->control, *child, 10'000'000'000); !ready) return ready.error();
  clockid_t child_cpu{};
  if (clock_getcpuclockid(child->pid(), &child_cpu) != 0) return Error{"clock_getcpuclockid failed for the consumer"};
  const std::uint64_t parks_before = end->peer_bell.parks();
  const std::int64_t cpu_start = clock_ns(child_cpu);
  const std::int64_t wall_start = ipc::monotonic_ns();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const std::int64_t cpu_end = clock_ns(child_cpu);
  const std::int64_t wall_end = ipc::monotonic_ns();
  const auto wall = static_cast<double>(wall_end - wall_start);
  IdleCpu result{100.0 * static_cast<double>(cpu_end - cpu_start) / wall, end->peer_bell.parks() - parks_before,
                 wall * 1e-9};
  ipc::RecordMeta stop;
  stop.method_id = kStopMethod;
  if (end->writer.try_write(stop, {}) != ipc::RingStatus::kOk) return Error{"cannot send the stop record"};
  end->peer_bell.notify();
  if (auto waited = child->wait(config.child_exit_timeout_ns); !waited) return waited.error();
  return result;
}

}  // namespace pipescale::bench
