#pragma once
// summary.json files for the tests of the code that reads results folders back: one shaped as
// `pipescale run` writes it (engine/runtime/results.cpp), for each test to change a key of.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/scratch_dir.hpp"

namespace pipescale::test {

// Two stages, "detect" then "classify"; every figure distinct, so a field read from the wrong key
// shows. Also keys the reader does not need (hops_us, failures_by_stage, ...), as a real file has.
inline nlohmann::ordered_json run_summary_json() {
  using Json = nlohmann::ordered_json;
  Json summary;
  summary["transport"] = "shm";
  summary["scheduler_enabled"] = true;
  summary["slo_ms"] = 250.0;
  summary["duration_s"] = 60.0;
  summary["warmup_s"] = 0.0;
  summary["elapsed_s"] = 61.25;
  summary["interrupted"] = false;
  summary["role_failures"] = Json::array();
  summary["sent"] = 9000;
  summary["completed"] = 8800;
  summary["completed_within_slo"] = 8500;
  summary["dropped"] = 150;
  summary["failed"] = 50;
  summary["failed_unreturned"] = 0;
  summary["slo_attainment"] = 0.9444;
  summary["latency_ms"] = {{"p50", 40.5},   {"p90", 90.25},   {"p99", 210.5}, {"p999", 260.0},
                           {"max", 300.75}, {"mean", 50.125}, {"count", 8800}};
  summary["hop_overhead_us"] = {{"p50", 3.2},   {"p90", 5.5},  {"p99", 12.4},
                                {"p999", 30.0}, {"max", 90.0}, {"count", 100000}};
  summary["hops_us"] = {{"client_to_frontend", {{"p50", 2.0}, {"count", 9000}}}};
  summary["drops_by_stage"] = {{"detect",
                                {{"total", 100},
                                 {"deadline_unreachable", 60},
                                 {"deadline_expired", 0},
                                 {"queue_full", 40},
                                 {"shutting_down", 0}}},
                               {"classify",
                                {{"total", 50},
                                 {"deadline_unreachable", 45},
                                 {"deadline_expired", 5},
                                 {"queue_full", 0},
                                 {"shutting_down", 0}}}};
  summary["failures_by_stage"] = {{"detect", 50}, {"classify", 0}};
  summary["worker_seconds"] = {{"detect", 120.5}, {"classify", 60.25}};
  summary["processes"] = 9;
  return summary;
}

inline void write_summary(const std::filesystem::path& run_dir, const nlohmann::ordered_json& summary) {
  write_text(run_dir / "summary.json", summary.dump(2) + "\n");
}

}  // namespace pipescale::test
