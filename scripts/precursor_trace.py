#!/usr/bin/env python3
"""Writes configs/traces/precursor.csv: the precursor simulator's load, synthetic.

A load swinging between about 90 and 210 requests/s as a sum of three sinusoids around
150/s: the dominant one has an 8 s period and 45/s amplitude, two smaller ones (10/s at 2.7 s,
5/s at 23 s) break the repetition. Written in the `time_s,rate_rps` format (each rate holds
until the next row) in 0.25 s steps, 120 s long. Deterministic: the same file every time.

    scripts/precursor_trace.py [OUTPUT]      # default: configs/traces/precursor.csv
"""
import math
import os
import sys

MEAN_RPS = 150.0
COMPONENTS = [  # (amplitude requests/s, period s, phase rad)
    (45.0, 8.0, 0.0),
    (10.0, 2.7, 1.3),
    (5.0, 23.0, 0.4),
]
STEP_S = 0.25
LENGTH_S = 120.0


def rate_at(t):
    return MEAN_RPS + sum(a * math.sin(2.0 * math.pi * t / p + phase) for a, p, phase in COMPONENTS)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "configs", "traces", "precursor.csv")
    terms = " + ".join(f"{a:g} sin(2 pi t / {p:g} s + {phase:g})" for a, p, phase in COMPONENTS)
    steps = int(LENGTH_S / STEP_S)
    with open(out, "w", encoding="ascii") as f:
        f.write("# SYNTHETIC load in the manner of the precursor single-stage simulator, made by\n")
        f.write("# scripts/precursor_trace.py (do not edit by hand: rerun it).\n")
        f.write(f"# rate(t) = {MEAN_RPS:g} + {terms} requests/s,\n")
        f.write(f"# between about 90 and 210 requests/s, in {STEP_S:g} s steps for {LENGTH_S:g} s.\n")
        f.write("time_s,rate_rps\n")
        for i in range(steps):
            t = i * STEP_S
            f.write(f"{t:g},{rate_at(t):.1f}\n")


if __name__ == "__main__":
    main()
