// timer_bench: how late a process wakes for a timer, by the way it waits, in one run.
//
// A Worker ends each batch on a timer (roles/worker/README.md, "Keeping time"), so the execution
// error that stages.csv reports is this lateness. The cases, interleaved sample by sample so that
// the machine's noise falls on each alike:
//   spin         polls the clock until the deadline: the floor. Lateness here is the machine's
//                (the process lost its core: another process, an interrupt, or, on a virtual
//                machine, the hypervisor running someone else's vCPU: "steal" in /proc/stat).
//   worker       what a live Worker does: parks on its doorbell (ipc::IdleStrategy, futex) with
//                1 ns timer slack until its learnt lead (engine::TimerLead) before the deadline,
//                then polls.
//   lead         the same with a fixed lead, --lead-us (the Worker's minimum by default).
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
  std::int64_t lead_us = engine::kMinTimerLeadNs / 1000;  // the lead case's
  std::string json_path;
};

enum class Case { kSpin, kWorker, kLead, kPark, kParkDefaultSlack };
constexpr std::size_t kCaseCount = 5;
constexpr std::array<Case, kCaseCount> kCases{Case::kSpin, Case::kWorker, Case::kLead, Case::kPark,
                                              Case::kParkDefaultSlack};
constexpr std::array<const char*, kCaseCount> kCaseNames{"spin", "worker", "lead", "park", "park-default"};

// How one timer went: how late it fired, and how long the process polled before it (its CPU cost
// beyond the park's).
struct Wait {
  std::int64_t late_ns = 0;
  std::int64_t polled_ns = 0;
};
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

// Waits for `deadline_ns` in the given way. `lead` is the case's (0 for spin and the parks).
Wait wait_until(Case kind, std::int64_t deadline_ns, engine::TimerLead& lead, ipc::IdleStrategy& idle) {
  const unsigned long slack = kind == Case::kParkDefaultSlack ? kDefaultSlackNs : engine::kTimerSlackNs;
  (void)prctl(PR_SET_TIMERSLACK, slack, 0UL, 0UL, 0UL);
  std::int64_t now = monotonic_ns();
  std::int64_t polling_since = kind == Case::kSpin ? now : 0;
  while (now < deadline_ns) {
    if (kind == Case::kSpin || deadline_ns - now <= lead.lead_ns()) {
      if (polling_since == 0) polling_since = now;
      ipc::cpu_relax();
    } else {
      const std::int64_t wake_ns = deadline_ns - lead.lead_ns();
      idle.idle([] { return false; }, wake_ns);
      lead.record_park(now, wake_ns, monotonic_ns());
    }
    now = monotonic_ns();
  }
  return {now - deadline_ns, polling_since == 0 ? 0 : deadline_ns - polling_since};
}

struct CaseResult {
  LatencySummary late;
  double polled_mean_ns = 0;
};

std::string format_table(const std::array<CaseResult, kCaseCount>& results, const Options& options,
                         std::int64_t learnt_lead_ns, double steal_share) {
  std::string table = "timer lateness, " + std::to_string(options.samples) + " timers per case, each " +
                      std::to_string(options.period_us) + " us after the last; the worker's lead learnt " +
                      std::to_string(learnt_lead_ns / 1000) + " us, the lead case's " +
                      std::to_string(options.lead_us) + " us (us; polled: mean time polled per timer)\n";
  table += "case            p50       p90       p99     p99.9       max    polled\n";
  for (std::size_t c = 0; c < kCases.size(); ++c) {
    const LatencySummary& s = results[c].late;
    std::array<char, 160> line{};
    (void)std::snprintf(line.data(), line.size(), "%-12s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", kCaseNames[c],
                        static_cast<double>(s.p50_ns) / 1e3, static_cast<double>(s.p90_ns) / 1e3,
                        static_cast<double>(s.p99_ns) / 1e3, static_cast<double>(s.p999_ns) / 1e3,
                        static_cast<double>(s.max_ns) / 1e3, results[c].polled_mean_ns / 1e3);
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
  std::array<std::vector<std::int64_t>, kCaseCount> late;
  std::array<double, kCaseCount> polled_ns{};
  for (auto& samples : late) samples.reserve(static_cast<std::size_t>(options.samples));
  engine::TimerLead learnt(engine::kMinTimerLeadNs, engine::kMaxTimerLeadNs);
  engine::TimerLead fixed = engine::TimerLead::fixed(options.lead_us * 1000);
  engine::TimerLead none = engine::TimerLead::fixed(0);
  const std::int64_t steal_before = steal_ticks();
  const std::int64_t started = monotonic_ns();
  for (int i = 0; i < options.samples; ++i) {
    for (std::size_t c = 0; c < kCases.size(); ++c) {
      engine::TimerLead& lead = kCases[c] == Case::kWorker ? learnt : kCases[c] == Case::kLead ? fixed : none;
      const Wait timed = wait_until(kCases[c], monotonic_ns() + options.period_us * 1000, lead, idle);
      late[c].push_back(timed.late_ns);
      polled_ns[c] += static_cast<double>(timed.polled_ns) / options.samples;
    }
  }
  const double elapsed_s = static_cast<double>(monotonic_ns() - started) / 1e9;
  const double ticks_per_s =
      static_cast<double>(sysconf(_SC_CLK_TCK)) * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  const double steal_share = static_cast<double>(steal_ticks() - steal_before) / (ticks_per_s * elapsed_s);
  std::array<CaseResult, kCaseCount> results{};
  for (std::size_t c = 0; c < kCases.size(); ++c) results[c] = {summarize(late[c]), polled_ns[c]};

  JsonWriter json;
  json.begin_object();
  json.key("benchmark").value("timer").key("commit").value(commit_id()).key("cpu").value(engine::cpu_model());
  json.key("samples_per_case").value(options.samples).key("period_us").value(options.period_us);
  json.key("lead_us").value(options.lead_us).key("worker_learnt_lead_us").value(learnt.lead_ns() / 1000);
  json.key("steal_share").value(steal_share, 4);
  json.key("results").begin_object();
  for (std::size_t c = 0; c < kCases.size(); ++c) {
    const LatencySummary& s = results[c].late;
    json.key(kCaseNames[c]).begin_object();
    json.key("p50_ns").value(s.p50_ns).key("p90_ns").value(s.p90_ns).key("p99_ns").value(s.p99_ns);
    json.key("p999_ns").value(s.p999_ns).key("max_ns").value(s.max_ns);
    json.key("polled_mean_ns").value(static_cast<std::int64_t>(results[c].polled_mean_ns));
    json.end_object();
  }
  json.end_object();
  json.end_object();
  if (auto emitted =
          emit_report(format_table(results, options, learnt.lead_ns(), steal_share), json.str(), options.json_path);
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
        "(park until its learnt lead before the deadline, then poll), the same with a fixed lead, parked\n"
        "with 1 ns slack, and parked with the kernel's default slack; interleaved in one run."};
    app.add_option("--samples", options.samples, "Timers per case")->check(CLI::Range(10, 1'000'000));
    app.add_option("--period-us", options.period_us, "Microseconds from one timer's end to the next's deadline")
        ->check(CLI::Range(1, 10'000'000));
    app.add_option("--lead-us", options.lead_us,
                   "The lead case's fixed lead: it parks until this long before the deadline, then polls")
        ->check(CLI::Range(0, 10'000'000));
    app.add_option("--json", options.json_path, "Write the JSON result to this file");
    CLI11_PARSE(app, argc, argv);
    return pipescale::bench::run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "timer_bench: %s\n", error.what());
    return 1;
  }
}
