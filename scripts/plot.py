"""Draws a pipescale results folder, or a sweep's sweep.csv: see scripts/plot."""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_sweep import plot_sweep  # noqa: E402
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


def mark_faults(axes, summary):
    """A vertical line at each fault's time (red: applied, grey dashed: ended), labelled once."""
    faults = [f for f in summary.get("faults", []) if f.get("applied_s") is not None]
    for ax in axes:
        for fault in faults:
            target = fault.get("process") or fault.get("link") or fault.get("target", "?")
            ax.axvline(fault["applied_s"], color="red", linewidth=1, alpha=0.7)
            ax.annotate(f'{fault.get("action", "?")} {target}', xy=(fault["applied_s"], 1.0),
                        xycoords=("data", "axes fraction"), xytext=(2, -2), textcoords="offset points",
                        fontsize=7, color="red", va="top", rotation=90)
            if fault.get("ended_s") is not None:
                ax.axvline(fault["ended_s"], color="grey", linestyle="--", linewidth=1, alpha=0.7)


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
    mark_faults([ax], summary)
    save(fig, out, "rate.png")

    fig, ax = plt.subplots(figsize=(9, 3.5))
    ax.plot(seconds, [100.0 * v for v in column(rows, "slo_attainment")])
    ax.set_ylim(0, 105)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("% of outcomes within SLO")
    overall = summary.get("slo_attainment")
    ax.set_title("SLO attainment per second" + (f" (whole run {100 * overall:.2f} %)" if overall is not None else ""))
    mark_faults([ax], summary)
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
    mark_faults(axes[:, 0], summary)
    save(fig, out, "workers.png")

    fig, axes = plt.subplots(len(stages), 1, figsize=(9, 2.6 * len(stages)), squeeze=False)
    for ax, stage in zip(axes[:, 0], stages):
        ax.step(seconds, column(rows, f"{stage}_batch_size"), where="post", label="batch size (Scheduler)")
        ax.plot(seconds, column(rows, f"{stage}_queue_max"), label="longest queue")
        ax.set_ylabel(stage)
        ax.legend(loc="upper left")
    axes[-1, 0].set_xlabel("time (s)")
    axes[0, 0].set_title("Batch size and queue per stage")
    mark_faults(axes[:, 0], summary)
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
    mark_faults([ax], summary)
    save(fig, out, "latency.png")

    plot_requests.draw(plt, save, run_dir, out, summary)


if __name__ == "__main__":
    main()
