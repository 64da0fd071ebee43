#!/usr/bin/env python3
"""The pipeline's capacity over each transport: the highest request rate the three-stage topology
sustains with a near-zero model time, found by bisection over short live runs.

Every stage of the shipped topology (preprocess, detect, classify) gets a profile of 1 us at every
batch size and a fixed number of Workers (the Scheduler off, so nothing scales during a run); the
Client sends a steady Poisson stream. A rate is sustained when completed >= (1 - tolerance) x sent
(nothing dropped or failed beyond that) and the latency p99 is under --p99-ms. The search brackets
each transport's rate between --low and --high (a rate known to pass and one known to fail),
checks both ends first, and halves the bracket (geometrically) until its ends are within
--precision of each other or the time budget runs out. Both transports run in the same
invocation, one after the other, and the result gives both figures, their bounds and their ratio.

Usage: bench_pipeline.py PIPESCALE [--json FILE] [options]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

STAGES = ("preprocess", "detect", "classify")


def write_config(folder, workers, max_batch, rate, duration_s, transport, slo_ms):
    trace = os.path.join(folder, "steady.csv")
    with open(trace, "w", encoding="utf-8") as out:
        out.write("time_s,rate_rps\n0,%g\n" % rate)
    lines = [
        "[run]",
        "duration_s = %g" % duration_s,
        "seed = 1",
        "slo_ms = %g" % slo_ms,
        'transport = "%s"' % transport,
        "",
        "[client]",
        'trace_path = "steady.csv"',
        'arrival = "poisson"',
        "",
        "[scheduler]",
        "enabled = false",
    ]
    for name in STAGES:
        lines += [
            "",
            "[[stages]]",
            'name = "%s"' % name,
            "profile = [{ batch_size = 1, latency_ms = 0.001 }, { batch_size = %d, latency_ms = 0.001 }]" % max_batch,
            "workers_min = %d" % workers,
            "workers_max = %d" % workers,
        ]
    path = os.path.join(folder, "pipeline.toml")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return path


def run_once(args, transport, rate):
    """One short live run; returns (sustained, figures)."""
    with tempfile.TemporaryDirectory(prefix="pipescale-capacity-") as folder:
        config = write_config(folder, args.workers, args.max_batch, rate, args.duration_s, transport, args.slo_ms)
        results = os.path.join(folder, "results")
        started = time.monotonic()
        done = subprocess.run([args.pipescale, "run", config, "--out", results, "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        elapsed = time.monotonic() - started
        summary_path = os.path.join(results, "summary.json")
        if done.returncode not in (0, 1) or not os.path.exists(summary_path):
            sys.stderr.write("bench pipeline: %s at %g/s: pipescale run exited %d\n%s" %
                             (transport, rate, done.returncode, done.stderr[-2000:]))
            return False, {"rate_rps": rate, "error": done.returncode, "wall_s": round(elapsed, 1)}
        with open(summary_path, encoding="utf-8") as source:
            summary = json.load(source)
    sent = summary.get("sent", 0)
    completed = summary.get("completed", 0)
    p99 = summary.get("latency_ms", {}).get("p99", math.inf)
    figures = {
        "rate_rps": rate,
        "sent": sent,
        "completed": completed,
        "dropped": summary.get("dropped", 0),
        "failed": summary.get("failed", 0),
        "latency_p99_ms": p99,
        "hop_overhead_us": summary.get("hop_overhead_us", {}),
        "wall_s": round(elapsed, 1),
    }
    sustained = sent > 0 and completed >= (1.0 - args.tolerance) * sent and p99 < args.p99_ms
    figures["sustained"] = sustained
    return sustained, figures


def search(args, transport, low, high, deadline):
    """Bisection between a passing low and a failing high; returns the transport's result."""
    runs = []

    def probe(rate):
        ok, figures = run_once(args, transport, rate)
        runs.append(figures)
        mark = "ok  " if ok else "fail"
        print("  %-5s %8.0f/s  %s  completed %s of %s  p99 %.1f ms  hop p50 %s us  (%.0f s)" %
              (transport, rate, mark, figures.get("completed"), figures.get("sent"),
               figures.get("latency_p99_ms", math.nan), figures.get("hop_overhead_us", {}).get("p50"),
               figures.get("wall_s", 0)), flush=True)
        return ok, figures

    ok_low, best = probe(low)
    if not ok_low:
        return {"max_rps": None, "search_low_rps": low, "search_high_rps": low, "note": "the low bound failed",
                "runs": runs}
    ok_high, top = probe(high)
    if ok_high:
        return {"max_rps": high, "search_low_rps": high, "search_high_rps": None,
                "note": "the high bound passed: capacity above it", "hop_overhead_us": top["hop_overhead_us"],
                "runs": runs}
    while high / low > 1.0 + args.precision and time.monotonic() < deadline:
        middle = math.sqrt(low * high)
        ok, figures = probe(middle)
        if ok:
            low, best = middle, figures
        else:
            high = middle
    return {"max_rps": round(low, 1), "search_low_rps": round(low, 1), "search_high_rps": round(high, 1),
            "hop_overhead_us": best["hop_overhead_us"], "runs": runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pipescale", help="the pipescale binary")
    parser.add_argument("--json", help="write the result here as JSON")
    parser.add_argument("--workers", type=int, default=4, help="Workers per stage (default 4)")
    parser.add_argument("--max-batch", type=int, default=32, help="largest batch (default 32)")
    parser.add_argument("--duration-s", type=float, default=3.0, help="length of each run (default 3)")
    parser.add_argument("--p99-ms", type=float, default=100.0, help="latency p99 bound (default 100)")
    parser.add_argument("--slo-ms", type=float, default=250.0, help="the runs' SLO (default 250)")
    parser.add_argument("--tolerance", type=float, default=0.01, help="completed >= (1 - this) x sent")
    parser.add_argument("--precision", type=float, default=0.15, help="stop when high / low <= 1 + this")
    parser.add_argument("--shm-bounds", type=float, nargs=2, default=[500.0, 64000.0], metavar=("LOW", "HIGH"))
    parser.add_argument("--grpc-bounds", type=float, nargs=2, default=[50.0, 8000.0], metavar=("LOW", "HIGH"))
    parser.add_argument("--budget-s", type=float, default=270.0, help="stop refining after this (default 270)")
    args = parser.parse_args()
    if args.workers < 1 or args.max_batch < 2 or args.duration_s <= 0:
        parser.error("--workers >= 1, --max-batch >= 2 and --duration-s > 0 expected")
    for name, (low, high) in (("--shm-bounds", args.shm_bounds), ("--grpc-bounds", args.grpc_bounds)):
        if not 0 < low < high:
            parser.error("%s: expected 0 < LOW < HIGH, got %g %g" % (name, low, high))

    started = time.monotonic()
    print("pipeline capacity: 3 stages, %d Workers each, 1 us at every batch size up to %d, %g s runs, "
          "sustained = completed within %g %% of sent and p99 < %g ms" %
          (args.workers, args.max_batch, args.duration_s, 100 * args.tolerance, args.p99_ms), flush=True)
    half = started + args.budget_s / 2
    results = {
        "shm": search(args, "shm", args.shm_bounds[0], args.shm_bounds[1], half),
        "grpc": search(args, "grpc", args.grpc_bounds[0], args.grpc_bounds[1], started + args.budget_s),
    }
    shm, grpc = results["shm"]["max_rps"], results["grpc"]["max_rps"]
    ratio = shm / grpc if shm and grpc else None
    for name in ("shm", "grpc"):
        result = results[name]
        print("%-5s max %s requests/s (searched between %s and %s), hop overhead p50 %s us" %
              (name, result["max_rps"], result["search_low_rps"], result["search_high_rps"],
               result.get("hop_overhead_us", {}).get("p50")))
    print("shm / grpc: %s   (%.0f s in all)" % ("%.1f x" % ratio if ratio else "n/a", time.monotonic() - started))
    if args.json:
        document = {
            "benchmark": "pipeline",
            "commit": os.environ.get("PIPESCALE_COMMIT", "unknown"),
            "settings": {"workers": args.workers, "max_batch": args.max_batch, "duration_s": args.duration_s,
                         "p99_ms": args.p99_ms, "tolerance": args.tolerance, "model_ms": 0.001},
            "results": results,
            "shm_over_grpc": ratio,
            "wall_s": round(time.monotonic() - started, 1),
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
