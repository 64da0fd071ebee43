#!/usr/bin/env python3
"""Writes the small synthetic sample traces of configs/traces/, one per trace format, and the
sample of measured batch times configs/profiles/model_samples.csv (stages[].latency_samples_path).

    scripts/make_sample_traces.py [--out configs/traces] [--profiles-out configs/profiles]

Every file is synthetic (drawn here from a fixed seed, so a rerun writes the same bytes) and says
so in its header comment; the layouts are those of roles/client/trace/README.md. None of the
numbers comes from a real trace.
"""
import argparse
import datetime
import math
import os
import random


def requests_trace(rng):
    """A Poisson stream of 50 requests/s for 20 s with a burst of 200/s from 8 s to 12 s."""
    lines = [
        "# SYNTHETIC sample, written by scripts/make_sample_traces.py (seed 13): not measured.",
        "# Format 'requests': one row per request at time_s; further columns are carried along.",
        "# About 50 requests/s for 20 s, 200/s from 8 s to 12 s.",
        "time_s,kind",
    ]
    t = 0.0
    while True:
        rate = 200.0 if 8.0 <= t < 12.0 else 50.0
        t += rng.expovariate(rate)
        if t >= 20.0:
            break
        lines.append("%.6f,%s" % (t, "burst" if 8.0 <= t < 12.0 else "base"))
    return lines


def azure_functions_trace(rng, minutes=30, functions=6):
    """Per-minute invocation counts of a few functions with different shapes."""
    lines = [
        "# SYNTHETIC sample, written by scripts/make_sample_traces.py (seed 13): not from the Azure",
        "# Functions traces, only in their layout (per-minute counts, here %d minutes)." % minutes,
        "HashOwner,HashApp,HashFunction,Trigger," + ",".join(str(m) for m in range(1, minutes + 1)),
    ]
    triggers = ["http", "queue", "timer", "http", "event", "http"]
    for f in range(functions):
        owner, app, function = ("%016x" % rng.getrandbits(64) for _ in range(3))
        base = [600, 240, 120, 60, 30, 12][f % 6]
        counts = []
        for m in range(minutes):
            if triggers[f] == "timer":
                count = base if m % 5 == 0 else 0
            else:
                wave = 1.0 + 0.5 * math.sin(2.0 * math.pi * (m + 3 * f) / minutes)
                count = max(0, int(round(rng.gauss(base * wave, math.sqrt(base)))))
            counts.append(str(count))
        lines.append(",".join([owner, app, function, triggers[f]] + counts))
    return lines


def azure_llm_trace(rng, seconds=120, rate=10.0):
    """LLM requests at about `rate`/s with lognormal-ish prompt and output lengths."""
    lines = [
        "# SYNTHETIC sample, written by scripts/make_sample_traces.py (seed 13): not from the Azure",
        "# LLM inference traces, only in their layout. About %g requests/s for %d s." % (rate, seconds),
        "TIMESTAMP,ContextTokens,GeneratedTokens",
    ]
    start = datetime.datetime(2023, 11, 16, 18, 0, 0)
    t = 0.0
    while True:
        t += rng.expovariate(rate)
        if t >= seconds:
            break
        stamp = start + datetime.timedelta(microseconds=int(round(t * 1e6)))
        context = max(1, int(rng.lognormvariate(6.5, 0.8)))
        generated = max(1, int(rng.lognormvariate(5.0, 0.7)))
        lines.append("%s0,%d,%d" % (stamp.strftime("%Y-%m-%d %H:%M:%S.%f"), context, generated))
    return lines


def latency_samples(rng, per_size=101):
    """Batch times as if measured: lognormal draws around variable_latency.toml's profile."""
    lines = [
        "# SYNTHETIC sample, written by scripts/make_sample_traces.py (seed 13): not measured.",
        "# Format of stages[].latency_samples_path: one row per batch, batch_size,latency_ms.",
        "# %d batches of each size, lognormal with the median and p99 of configs/variable_latency.toml." % per_size,
        "batch_size,latency_ms",
    ]
    for size, median, p99 in ((1, 10.0, 20.0), (4, 16.0, 30.0), (8, 24.0, 45.0)):
        sigma = math.log(p99 / median) / 2.3263478740408408  # the p99 of a standard normal
        for _ in range(per_size):
            lines.append("%d,%.3f" % (size, median * math.exp(rng.gauss(0.0, sigma))))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "configs", "traces"), help="folder to write into")
    parser.add_argument("--profiles-out", default=os.path.join(here, "..", "configs", "profiles"),
                        help="folder to write the latency samples into")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.profiles_out, exist_ok=True)
    samples = {
        os.path.join(args.out, "requests_sample.csv"): requests_trace,
        os.path.join(args.out, "azure_functions_sample.csv"): azure_functions_trace,
        os.path.join(args.out, "azure_llm_sample.csv"): azure_llm_trace,
        os.path.join(args.profiles_out, "model_samples.csv"): latency_samples,
    }
    for path, make in samples.items():
        rng = random.Random(13)
        with open(path, "w") as out:
            out.write("\n".join(make(rng)) + "\n")
        print("wrote " + os.path.normpath(path))


if __name__ == "__main__":
    main()
