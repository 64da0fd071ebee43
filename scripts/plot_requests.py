"""The plots drawn from a results folder's requests.csv.gz: where the time went, stage by stage,
and the latency CDF against the SLO. Imported by plot.py; see scripts/plot."""
import csv
import gzip
import os

PARTS = ("hop", "queueing", "dispatch", "execution")
COLORS = {"hop": "tab:gray", "queueing": "tab:orange", "dispatch": "tab:purple", "execution": "tab:blue"}


def read_requests(path):
    """The rows of requests.csv.gz, or None when the folder has none (an older run)."""
    if not os.path.isfile(path):
        return None
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def stages_of(header):
    return [name[: -len("_arrived_ms")] for name in header if name.endswith("_arrived_ms")]


def number(row, name):
    value = row.get(name, "")
    return float(value) if value not in ("", None) else None


def breakdown(rows, stages):
    """Mean milliseconds per part per stage over the completed, counted requests, and the mean
    hop back to the Client. Means add up: the bars of a request sum to its latency."""
    sums = {stage: dict.fromkeys(PARTS, 0.0) for stage in stages}
    back = 0.0
    n = 0
    for row in rows:
        if row["outcome"] != "completed" or row["counted"] != "1":
            continue
        previous = number(row, "sent_ms")
        stamps = [[number(row, f"{s}_{k}_ms") for k in ("arrived", "batched", "started", "finished")] for s in stages]
        if previous is None or any(v is None for st in stamps for v in st):
            continue
        n += 1
        for stage, (arrived, batched, started, finished) in zip(stages, stamps):
            part = sums[stage]
            part["hop"] += arrived - previous
            part["queueing"] += batched - arrived
            part["dispatch"] += started - batched
            part["execution"] += finished - started
            previous = finished
        back += number(row, "end_ms") - previous
    if n == 0:
        return None, None, 0
    return {s: {p: v / n for p, v in parts.items()} for s, parts in sums.items()}, back / n, n


def draw_breakdown(plt, save, out, stages, rows):
    means, back, n = breakdown(rows, stages)
    if means is None:
        return
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.7 * (len(stages) + 1)))
    # Hops take microseconds beside milliseconds of queueing and execution: say them in the labels.
    labels = [f"{s}\n(hop in {1e3 * means[s]['hop']:.1f} us)" for s in stages]
    labels.append(f"back to Client\n(hop {1e3 * back:.1f} us)")
    for i, stage in enumerate(stages):
        left = 0.0
        for part in PARTS:
            width = means[stage][part]
            ax.barh(i, width, left=left, color=COLORS[part], label=part if i == 0 else None)
            left += width
    ax.barh(len(stages), back, color=COLORS["hop"])
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("mean ms per completed request")
    total = back + sum(sum(parts.values()) for parts in means.values())
    ax.set_title(f"Where the time went, per stage ({n} completed requests, mean latency {total:.2f} ms)")
    ax.legend(loc="lower right")
    save(fig, out, "latency_breakdown.png")


def draw_cdf(plt, save, out, rows, summary):
    latencies = sorted(
        float(row["latency_ms"]) for row in rows if row["outcome"] == "completed" and row["counted"] == "1"
    )
    if not latencies:
        return
    fig, ax = plt.subplots(figsize=(9, 4))
    n = len(latencies)
    ax.plot(latencies, [(i + 1) / n for i in range(n)], drawstyle="steps-post", label="completed requests")
    slo = summary.get("slo_ms")
    if slo is not None:
        within = sum(1 for v in latencies if v <= slo) / n
        ax.axvline(slo, color="black", linestyle=":", label=f"SLO {slo:g} ms ({100 * within:.2f} % within)")
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("fraction of completed requests")
    ax.set_title("Latency CDF (from requests.csv.gz)")
    ax.legend(loc="lower right")
    save(fig, out, "latency_cdf.png")


def draw(plt, save, run_dir, out, summary):
    read = read_requests(os.path.join(run_dir, "requests.csv.gz"))
    if read is None:
        return
    header, rows = read
    draw_breakdown(plt, save, out, stages_of(header or []), rows)
    draw_cdf(plt, save, out, rows, summary)
