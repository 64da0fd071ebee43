"""Draws a pipescale results folder, or a sweep's sweep.csv: see scripts/plot."""
import csv
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import plot_requests  # noqa: E402  (beside this file)


def fail(message):
    print(f"scripts/plot: {message}", file=sys.stderr)
    sys.exit(2)


def read_rows(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")


def column(rows, name):
    out = []
    for row in rows:
        value = row.get(name, "")
        out.append(float(value) if value not in ("", None) else float("nan"))
    return out


def stage_names(header):
    return [name[: -len("_active_workers")] for name in header if name.endswith("_active_workers")]


def save(fig, folder, name):
    path = os.path.join(folder, name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(path)


# The columns a sweep plot needs, beside the swept key (the first column).
SWEEP_COLUMNS = ("slo_attainment", "drop_rate", "p99_ms")


def read_sweep(path):
    """The swept key and one (x, attainment, drop rate, p99, goodput or None) per row; exits 2 on a
    malformed file. goodput_rps is optional: folders written before it have no such column."""
    try:
        with open(path, newline="") as f:
            lines = list(csv.reader(f))
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
    except csv.Error as error:
        fail(f"{path}: not a CSV file: {error}")
    if not lines or not lines[0]:
        fail(f"{path} is empty: expected a header row and one row per run")
    header = lines[0]
    missing = [name for name in SWEEP_COLUMNS if name not in header]
    if missing:
        fail(f"{path}: no column {', '.join(missing)} in the header (is it a pipescale sweep.csv?)")
    rows = [line for line in lines[1:] if line]
    if not rows:
        fail(f"{path} has a header but no rows")
    points = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            fail(f"{path} line {number}: {len(row)} cells, the header has {len(header)}")
        cells = dict(zip(header, row))
        figures = []
        for name in SWEEP_COLUMNS:
            try:
                figures.append(float(cells[name]))
            except ValueError:
                fail(f"{path} line {number}: {name} is '{cells[name]}', expected a number")
        figures.append(as_number(cells.get("goodput_rps", "")))
        points.append((row[0], *figures))
    return header[0], points


def as_number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def sweep_series(folder):
    """One sweep folder as (key, label, xs, points, numeric), its points sorted by value."""
    key, points = read_sweep(os.path.join(folder, "sweep.csv"))
    # Numeric values are placed and sorted as numbers (0.5, 1, 1.5, 2, 10); any other value makes
    # the axis categorical, in the order the sweep ran them.
    numeric = all(as_number(value) is not None for value, *_ in points)
    if numeric:
        points.sort(key=lambda point: float(point[0]))
        xs = [float(value) for value, *_ in points]
    else:
        xs = list(range(len(points)))
    label = os.path.basename(os.path.normpath(folder))
    return key, label, xs, points, numeric


def plot_sweep(folders):
    """Draws one sweep, or several over the same key one line each, into the first's sweep.png."""
    series = [sweep_series(folder) for folder in folders]
    key, _, xs0, points0, numeric = series[0]
    for other_key, label, _, _, other_numeric in series[1:]:
        if other_key != key or other_numeric != numeric:
            fail(f"{label}: swept {other_key}, not {key}: only sweeps over the same key can share a plot")
    with_goodput = any(point[4] is not None for _, _, _, points, _ in series for point in points)
    panels = [
        ("SLO attainment (%)", lambda point: 100.0 * point[1]),
        ("drop rate (%)", lambda point: 100.0 * point[2]),
        ("p99 latency (ms)", lambda point: point[3]),
    ]
    if with_goodput:
        panels.insert(0, ("goodput (requests/s within SLO)", lambda point: point[4]))
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.7 * len(panels)), sharex=True)
    for ax, (name, value) in zip(axes, panels):
        for _, label, xs, points, _ in series:
            ys = [value(point) if value(point) is not None else math.nan for point in points]
            # Points only on a categorical axis: a line between two transports would suggest values between them.
            ax.plot(xs, ys, marker="o", linestyle="-" if numeric else "none", label=label)
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
        ax.set_ylim(bottom=0)
    attainment_axis = axes[1] if with_goodput else axes[0]
    attainment_axis.set_ylim(0, 105)
    if len(series) > 1:
        axes[0].legend()
    if not numeric:
        axes[-1].set_xticks(xs0)
        axes[-1].set_xticklabels([value for value, *_ in points0], rotation=30, ha="right")
    axes[-1].set_xlabel(key)
    runs = sum(len(points) for _, _, _, points, _ in series)
    axes[0].set_title(f"Sweep over {key} ({runs} runs)")
    fig.tight_layout()
    out = os.path.join(folders[0], "sweep.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(out)


def main():
    run_dir = sys.argv[1]
    if os.path.isfile(os.path.join(run_dir, "sweep.csv")):
        plot_sweep(sys.argv[1:])
        return
    if len(sys.argv) > 2:
        fail("several folders can be drawn together only when each holds a sweep.csv")
    rows = read_rows(os.path.join(run_dir, "timeseries.csv"))
    if not rows:
        fail(f"{run_dir}/timeseries.csv has no rows: the run ended before its first second")
    summary = {}
    try:
        with open(os.path.join(run_dir, "summary.json")) as f:
            summary = json.load(f)
    except (OSError, ValueError):
        pass
    title = "transport {}, scheduler {}, SLO {} ms".format(
        summary.get("transport", "?"),
        "on" if summary.get("scheduler_enabled", True) else "off",
        summary.get("slo_ms", "?"),
    )
    seconds = column(rows, "second")
    out = os.path.join(run_dir, "plots")
    os.makedirs(out, exist_ok=True)

    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(seconds, column(rows, "offered"), label="offered")
    ax.plot(seconds, column(rows, "completed"), label="completed")
    ax.plot(seconds, column(rows, "within_slo"), label="completed within SLO")
    ax.plot(seconds, column(rows, "dropped"), label="dropped")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("requests per second")
    ax.set_title("Offered and completed rate: " + title)
    ax.legend()
    save(fig, out, "rate.png")

    fig, ax = plt.subplots(figsize=(9, 3.5))
    ax.plot(seconds, [100.0 * v for v in column(rows, "slo_attainment")])
    ax.set_ylim(0, 105)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("% of outcomes within SLO")
    overall = summary.get("slo_attainment")
    ax.set_title("SLO attainment per second" + (f" (whole run {100 * overall:.2f} %)" if overall is not None else ""))
    save(fig, out, "slo_attainment.png")

    stages = stage_names(rows[0].keys())
    fig, axes = plt.subplots(len(stages), 1, figsize=(9, 2.6 * len(stages)), squeeze=False)
    for ax, stage in zip(axes[:, 0], stages):
        ax.step(seconds, column(rows, f"{stage}_active_workers"), where="post", label="active Workers")
        ax.step(seconds, column(rows, f"{stage}_target_workers"), where="post", linestyle="--", label="target")
        ax.set_ylabel(stage)
        ax.legend(loc="upper left")
    axes[-1, 0].set_xlabel("time (s)")
    axes[0, 0].set_title("Workers per stage")
    save(fig, out, "workers.png")

    fig, axes = plt.subplots(len(stages), 1, figsize=(9, 2.6 * len(stages)), squeeze=False)
    for ax, stage in zip(axes[:, 0], stages):
        ax.step(seconds, column(rows, f"{stage}_batch_size"), where="post", label="batch size (Scheduler)")
        ax.plot(seconds, column(rows, f"{stage}_queue_max"), label="longest queue")
        ax.set_ylabel(stage)
        ax.legend(loc="upper left")
    axes[-1, 0].set_xlabel("time (s)")
    axes[0, 0].set_title("Batch size and queue per stage")
    save(fig, out, "batch_size.png")

    fig, ax = plt.subplots(figsize=(9, 4))
    for name in ("p50_ms", "p90_ms", "p99_ms", "max_ms"):
        ax.plot(seconds, column(rows, name), label=name.replace("_ms", ""))
    if "slo_ms" in summary:
        ax.axhline(summary["slo_ms"], color="black", linestyle=":", label="SLO")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Latency of the completions of each second")
    ax.legend()
    save(fig, out, "latency.png")

    plot_requests.draw(plt, save, run_dir, out, summary)


if __name__ == "__main__":
    main()
