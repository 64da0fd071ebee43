#!/usr/bin/env python3
"""The pipeline's capacity over each transport: the highest request rate the three-stage topology
sustains with a near-zero model time, found by bisection over short live runs.

Every stage of the shipped topology (preprocess, detect, classify) gets a profile of 1 us at every
batch size, a fixed number of Workers (the Scheduler off, so nothing scales during a run) and the
"timeout" batching rule with 1 ms (a batch is cut when full or when its oldest request has waited
1 ms, so that latency measures the pipeline, not batching held back to the deadline); the Client
sends a steady Poisson stream. A rate is sustained when completed >= (1 - tolerance) x sent
(nothing dropped or failed beyond that) and the latency p99 is under --p99-ms. The search brackets
each transport's rate between --low and --high (a rate known to pass and one known to fail),
checks both ends first, and halves the bracket (geometrically) until its ends are within
--precision of each other or the time budget runs out. Both transports run in the same
invocation, one after the other, and the result gives both figures, their bounds and their ratio.

With --scaling the same script records instead what the work costs as it grows: one stage of 1,
10, 60 and 200 Workers (each 1 us per batch) at a fixed light load, and for each: launch time (from
starting `pipescale run` to the first request sent, from the run's own figures: wall time less
the replay and the shutdown measured beside it), resident memory of all the run's processes
together (the sum of their PSS, read from /proc while the replay runs), the run's shared-memory
segments (their sizes under /dev/shm), and the hop overhead p50.

Usage: bench_pipeline.py PIPESCALE [--json FILE] [--scaling] [options]
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


def write_config(folder, workers, max_batch, rate, duration_s, transport, slo_ms, stages=STAGES):
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
    for name in stages:
        lines += [
            "",
            "[[stages]]",
            'name = "%s"' % name,
            "profile = [{ batch_size = 1, latency_ms = 0.001 }, { batch_size = %d, latency_ms = 0.001 }]" % max_batch,
            "workers_min = %d" % workers,
            "workers_max = %d" % workers,
            'batching = "timeout"',  # cut at the batch size or after 1 ms, not at the deadline's last moment
            "max_queue_delay_us = 1000",
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


def descendants(root):
    """Every process under `root` (its children, theirs, ...), from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid, encoding="utf-8") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def shm_bytes(pid):
    """Sizes of the segments the launcher `pid` created (their names carry its pid)."""
    total = 0
    for name in os.listdir("/dev/shm"):
        if name.startswith("pipescale.%d." % pid):
            try:
                total += os.stat(os.path.join("/dev/shm", name)).st_size
            except OSError:
                pass
    return total


def scaling_case(args, workers):
    with tempfile.TemporaryDirectory(prefix="pipescale-scaling-") as folder:
        config = write_config(folder, workers, args.max_batch, args.scaling_rate, args.duration_s, "shm",
                              args.slo_ms, stages=("model",))
        results = os.path.join(folder, "results")
        started = time.monotonic()
        process = subprocess.Popen([args.pipescale, "run", config, "--out", results, "--quiet"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak_pss, peak_shm, processes = 0, 0, 0
        while process.poll() is None:
            pids = descendants(process.pid)
            peak_pss = max(peak_pss, sum(pss_kib(pid) for pid in pids))
            peak_shm = max(peak_shm, shm_bytes(process.pid))
            processes = max(processes, len(pids))
            time.sleep(0.25)
        wall = time.monotonic() - started
        _, errors = process.communicate()
        summary_path = os.path.join(results, "summary.json")
        if not os.path.exists(summary_path):
            sys.stderr.write("bench pipeline: scaling %d Workers: no summary (exit %d)\n%s" %
                             (workers, process.returncode, errors[-2000:]))
            return {"workers": workers, "error": process.returncode}
        with open(summary_path, encoding="utf-8") as source:
            summary = json.load(source)
    return {
        "workers": workers,
        "processes": processes,
        "wall_s": round(wall, 2),
        "overhead_s": round(wall - summary.get("elapsed_s", args.duration_s), 2),
        "pss_mib": round(peak_pss / 1024, 1),
        "segments_mib": round(peak_shm / 2**20, 2),
        "hop_overhead_us": summary.get("hop_overhead_us", {}),
        "sent": summary.get("sent"),
        "completed": summary.get("completed"),
    }


def scaling(args):
    started = time.monotonic()
    print("scaling: one stage of N Workers (1 us per batch), %g requests/s for %g s over shared memory" %
          (args.scaling_rate, args.duration_s), flush=True)
    print("%8s %10s %12s %14s %12s %14s %12s" %
          ("workers", "processes", "wall s", "start+stop s", "PSS MiB", "segments MiB", "hop p50 us"))
    rows = []
    for workers in args.scaling_workers:
        row = scaling_case(args, workers)
        rows.append(row)
        print("%8d %10s %12s %14s %12s %14s %12s" %
              (workers, row.get("processes"), row.get("wall_s"), row.get("overhead_s"), row.get("pss_mib"),
               row.get("segments_mib"), row.get("hop_overhead_us", {}).get("p50")), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"benchmark": "pipeline_scaling", "commit": os.environ.get("PIPESCALE_COMMIT", "unknown"),
                       "rate_rps": args.scaling_rate, "duration_s": args.duration_s, "results": rows,
                       "wall_s": round(time.monotonic() - started, 1)}, out, indent=1)
    return 0


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
    parser.add_argument("--shm-bounds", type=float, nargs=2, default=[2000.0, 256000.0], metavar=("LOW", "HIGH"))
    parser.add_argument("--grpc-bounds", type=float, nargs=2, default=[50.0, 8000.0], metavar=("LOW", "HIGH"))
    parser.add_argument("--budget-s", type=float, default=270.0, help="stop refining after this (default 270)")
    parser.add_argument("--scaling", action="store_true", help="the scaling case instead of the capacity search")
    parser.add_argument("--scaling-workers", type=int, nargs="+", default=[1, 10, 60, 200], metavar="N")
    parser.add_argument("--scaling-rate", type=float, default=100.0, help="the scaling case's load (default 100/s)")
    args = parser.parse_args()
    if args.workers < 1 or args.max_batch < 2 or args.duration_s <= 0:
        parser.error("--workers >= 1, --max-batch >= 2 and --duration-s > 0 expected")
    for name, (low, high) in (("--shm-bounds", args.shm_bounds), ("--grpc-bounds", args.grpc_bounds)):
        if not 0 < low < high:
            parser.error("%s: expected 0 < LOW < HIGH, got %g %g" % (name, low, high))
    if args.scaling:
        return scaling(args)

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
