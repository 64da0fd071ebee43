// timer_bench: how late a process wakes for a timer, by the way it waits, in one run.
//
// A Worker ends each batch on a timer (roles/worker/README.md, "Keeping time"), so the execution
// error that stages.csv reports is this lateness. The cases, interleaved sample by sample so that
// the machine's noise falls on each alike:
//   spin         polls the clock until the deadline: the floor. Lateness here is the machine's
//                (the process lost its core: another process, an interrupt, or, on a virtual
//                machine, the hypervisor running someone else's vCPU: "steal" in /proc/stat).
//   worker       what a live Worker does: parks on its doorbell (ipc::IdleStrategy, futex) with
//                1 ns timer slack until kTimerLeadNs before the deadline, then polls.
//   park         parks until the deadline itself, 1 ns slack: the other roles' timers.
//   park-default parks until the deadline with the kernel's default 50 us slack: how timers were
//                kept before the runner asked for less.
// Each sample waits --period-us from the end of the last, as a Worker's batches follow each other.
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "base/clock/clock.hpp"
#include "base/metrics/json_writer.hpp"
#include "bench/support/latency_stats.hpp"
#include "bench/support/run_info.hpp"
#include "engine/placement/affinity.hpp"
#include "engine/runtime/agent_runner.hpp"
#include "ipc/wait/doorbell.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::bench {
namespace {

struct Options {
  int samples = 600;  // per case
  std::int64_t period_us = 10'000;
  std::int64_t lead_us = engine::kTimerLeadNs / 1000;  // the worker case's
  std::string json_path;
};

enum class Case { kSpin, kWorker, kPark, kParkDefaultSlack };
constexpr std::array<Case, 4> kCases{Case::kSpin, Case::kWorker, Case::kPark, Case::kParkDefaultSlack};
constexpr std::array<const char*, 4> kCaseNames{"spin", "worker", "park", "park-default"};
constexpr unsigned long kDefaultSlackNs = 50'000;

// Time the whole machine's vCPUs were not running us, from /proc/stat's "steal" (USER_HZ ticks).
std::int64_t steal_ticks() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  std::array<std::int64_t, 8> fields{};
  stat >> cpu;
  for (auto& field : fields) stat >> field;
  return stat ? fields[7] : 0;
}

// Waits for `deadline_ns` in the given way and returns how late it woke.
std::int64_t wait_until(Case kind, std::int64_t deadline_ns, std::int64_t lead_ns, ipc::IdleStrategy& idle) {
  const unsigned long slack = kind == Case::kParkDefaultSlack ? kDefaultSlackNs : engine::kTimerSlackNs;
  (void)prctl(PR_SET_TIMERSLACK, slack, 0UL, 0UL, 0UL);
  const std::int64_t lead = kind == Case::kWorker ? lead_ns : 0;
  std::int64_t now = monotonic_ns();
  while (now < deadline_ns) {
    if (kind == Case::kSpin || deadline_ns - now <= lead) {
      ipc::cpu_relax();
    } else {
      idle.idle([] { return false; }, deadline_ns - lead);
    }
    now = monotonic_ns();
  }
  return now - deadline_ns;
}

std::string format_table(const std::array<LatencySummary, 4>& results, const Options& options, double steal_share) {
  std::string table = "timer lateness, " + std::to_string(options.samples) + " timers per case, each " +
                      std::to_string(options.period_us) + " us after the last; worker lead " +
                      std::to_string(options.lead_us) + " us (us)\n";
  table += "case            p50       p90       p99     p99.9       max\n";
  for (std::size_t c = 0; c < kCases.size(); ++c) {
    const LatencySummary& s = results[c];
    std::array<char, 160> line{};
    (void)std::snprintf(line.data(), line.size(), "%-12s %9.1f %9.1f %9.1f %9.1f %9.1f\n", kCaseNames[c],
                        static_cast<double>(s.p50_ns) / 1e3, static_cast<double>(s.p90_ns) / 1e3,
                        static_cast<double>(s.p99_ns) / 1e3, static_cast<double>(s.p999_ns) / 1e3,
                        static_cast<double>(s.max_ns) / 1e3);
    table += line.data();
  }
  std::array<char, 160> line{};
  (void)std::snprintf(line.data(), line.size(),
                      "steal during the run: %.2f %% of the machine's CPU time (lateness at spin is the floor)\n",
                      100.0 * steal_share);
  return table + line.data();
}

int run(const Options& options) {
  ipc::DoorbellLayout layout{};
  ipc::WaitOptions wait;
  wait.kind = ipc::WaitKind::kPark;
  ipc::IdleStrategy idle(wait, ipc::Doorbell(&layout));
  std::array<std::vector<std::int64_t>, 4> late;
  for (auto& samples : late) samples.reserve(static_cast<std::size_t>(options.samples));
  const std::int64_t steal_before = steal_ticks();
  const std::int64_t started = monotonic_ns();
  for (int i = 0; i < options.samples; ++i) {
    for (std::size_t c = 0; c < kCases.size(); ++c) {
      late[c].push_back(wait_until(kCases[c], monotonic_ns() + options.period_us * 1000, options.lead_us * 1000, idle));
    }
  }
  const double elapsed_s = static_cast<double>(monotonic_ns() - started) / 1e9;
  const double ticks_per_s =
      static_cast<double>(sysconf(_SC_CLK_TCK)) * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  const double steal_share = static_cast<double>(steal_ticks() - steal_before) / (ticks_per_s * elapsed_s);
  std::array<LatencySummary, 4> results{};
  for (std::size_t c = 0; c < kCases.size(); ++c) results[c] = summarize(late[c]);

  JsonWriter json;
  json.begin_object();
  json.key("benchmark").value("timer").key("commit").value(commit_id()).key("cpu").value(engine::cpu_model());
  json.key("samples_per_case").value(options.samples).key("period_us").value(options.period_us);
  json.key("worker_lead_us").value(options.lead_us);
  json.key("steal_share").value(steal_share, 4);
  json.key("results").begin_object();
  for (std::size_t c = 0; c < kCases.size(); ++c) {
    const LatencySummary& s = results[c];
    json.key(kCaseNames[c]).begin_object();
    json.key("p50_ns").value(s.p50_ns).key("p90_ns").value(s.p90_ns).key("p99_ns").value(s.p99_ns);
    json.key("p999_ns").value(s.p999_ns).key("max_ns").value(s.max_ns);
    json.end_object();
  }
  json.end_object();
  json.end_object();
  if (auto emitted = emit_report(format_table(results, options, steal_share), json.str(), options.json_path);
      !emitted) {
    std::fprintf(stderr, "timer_bench: %s\n", emitted.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace pipescale::bench

int main(int argc, char** argv) {
  try {
    pipescale::bench::Options options;
    CLI::App app{
        "How late a process wakes for a timer: spinning (the machine's floor), as a live Worker waits\n"
        "(park until a lead before the deadline, then poll), parked with 1 ns slack, and parked with the\n"
        "kernel's default slack; interleaved in one run."};
    app.add_option("--samples", options.samples, "Timers per case")->check(CLI::Range(10, 1'000'000));
    app.add_option("--period-us", options.period_us, "Microseconds from one timer's end to the next's deadline")
        ->check(CLI::Range(1, 10'000'000));
    app.add_option("--lead-us", options.lead_us,
                   "The worker case's lead: it parks until this long before the deadline, then polls")
        ->check(CLI::Range(0, 10'000'000));
    app.add_option("--json", options.json_path, "Write the JSON result to this file");
    CLI11_PARSE(app, argc, argv);
    return pipescale::bench::run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "timer_bench: %s\n", error.what());
    return 1;
  }
}
