"""Draws a sweep folder's sweep.csv into sweep.png: see scripts/plot.

sweep.csv has one row per grid point: the swept keys (the columns before "runs"), then per figure
<figure>_mean, <figure>_ci_low and <figure>_ci_high (engine/runtime/README.md). The first key is
the x axis; every other combination of keys (and every further folder) is a line of its own; the
95 % confidence interval of each point is an error bar. A sweep.csv written before replications
existed (one value column per figure, one key) is drawn too, without error bars.
"""
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# The figures drawn, as (column, panel title, scale); goodput is optional (older folders lack it).
PANELS = (
    ("goodput_rps", "goodput (requests/s within SLO)", 1.0),
    ("slo_attainment", "SLO attainment (%)", 100.0),
    ("drop_rate", "drop rate (%)", 100.0),
    ("p99_ms", "p99 latency (ms)", 1.0),
)
REQUIRED = ("slo_attainment", "drop_rate", "p99_ms")
NAN = float("nan")


def fail(message):
    print(f"scripts/plot: {message}", file=sys.stderr)
    sys.exit(2)


def as_number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_lines(path):
    try:
        with open(path, newline="") as f:
            lines = [line for line in csv.reader(f)]
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
    except csv.Error as error:
        fail(f"{path}: not a CSV file: {error}")
    if not lines or not lines[0]:
        fail(f"{path} is empty: expected a header row and one row per point")
    return lines[0], [line for line in lines[1:] if line]


def layout(header, path):
    """(number of key columns, {figure: (mean, low, high) column names or (value, None, None)})."""
    if "runs" in header:
        keys = header.index("runs")
        columns = {name: (f"{name}_mean", f"{name}_ci_low", f"{name}_ci_high") for name, _, _ in PANELS}
    else:
        keys = 1  # one key, one run per row: no interval
        columns = {name: (name, None, None) for name, _, _ in PANELS}
    missing = [columns[name][0] for name in REQUIRED if columns[name][0] not in header]
    if keys < 1 or missing:
        fail(f"{path}: no column {', '.join(missing) or 'for the swept key'} in the header "
             "(is it a pipescale sweep.csv?)")
    return keys, {name: cols for name, cols in columns.items() if cols[0] in header}


def cell(cells, name, path, number, required):
    """A cell as a float: NaN when empty or absent; exits 2 on text in a required figure."""
    if name is None or name not in cells or cells[name] == "":
        return NAN
    value = as_number(cells[name])
    if value is None:
        if required:
            fail(f"{path} line {number}: {name} is '{cells[name]}', expected a number")
        return NAN
    return value


def read_sweep(path):
    """(keys, points): each point {"values": [...], figure: (mean, low, high)}; exits 2 when malformed."""
    header, rows = read_lines(path)
    keys, columns = layout(header, path)
    if not rows:
        fail(f"{path} has a header but no rows")
    points = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            fail(f"{path} line {number}: {len(row)} cells, the header has {len(header)}")
        cells = dict(zip(header, row))
        point = {"values": row[:keys]}
        for name, cols in columns.items():
            point[name] = tuple(cell(cells, col, path, number, name in REQUIRED) for col in cols)
        points.append(point)
    return header[:keys], points


def series_of(folders):
    """The lines: (label, [points]) per folder and per combination of the keys after the first."""
    keys, lines = None, []
    for folder in folders:
        folder_keys, points = read_sweep(os.path.join(folder, "sweep.csv"))
        name = os.path.basename(os.path.normpath(folder))
        if keys is not None and folder_keys != keys:
            fail(f"{name}: swept {', '.join(folder_keys)}, not {', '.join(keys)}: "
                 "only sweeps over the same keys can share a plot")
        keys = folder_keys
        groups = {}
        for point in points:
            groups.setdefault(tuple(point["values"][1:]), []).append(point)
        for rest, members in groups.items():
            parts = [f"{key}={value}" for key, value in zip(keys[1:], rest)]
            if len(folders) > 1:
                parts.insert(0, name)
            lines.append((", ".join(parts), members))
    return keys, lines


def x_axis(lines):
    """(numeric, positions): numbers placed as numbers, else categories in first-seen order."""
    values = [point["values"][0] for _, points in lines for point in points]
    if all(as_number(value) is not None for value in values):
        return True, {value: float(value) for value in values}
    order = []
    for value in values:
        if value not in order:
            order.append(value)
    return False, {value: float(i) for i, value in enumerate(order)}


def draw(ax, lines, numeric, positions, name, scale):
    for index, (label, points) in enumerate(lines):
        if numeric:
            points = sorted(points, key=lambda point: positions[point["values"][0]])
        # Side by side on a categorical axis, so that the bars of one category do not hide each other.
        dodge = 0.0 if numeric or len(lines) == 1 else (index - (len(lines) - 1) / 2) * 0.12
        xs = [positions[point["values"][0]] + dodge for point in points]
        stats = [point.get(name, (NAN, NAN, NAN)) for point in points]
        ys = [mean * scale for mean, _, _ in stats]
        below = [(mean - low) * scale if math.isfinite(low) else 0.0 for mean, low, _ in stats]
        above = [(high - mean) * scale if math.isfinite(high) else 0.0 for mean, _, high in stats]
        # Points only on a categorical axis: a line between two policies would suggest values between them.
        ax.errorbar(xs, ys, yerr=[below, above], marker="o", capsize=3, linestyle="-" if numeric else "none",
                    label=label or None)


def plot_sweep(folders):
    """Draws one sweep, or several over the same keys, into the first folder's sweep.png."""
    keys, lines = series_of(folders)
    numeric, positions = x_axis(lines)
    panels = [panel for panel in PANELS
              if any(math.isfinite(point.get(panel[0], (NAN,))[0]) for _, points in lines for point in points)
              or panel[0] in REQUIRED]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.7 * len(panels)), sharex=True, squeeze=False)
    axes = axes[:, 0]
    for ax, (name, title, scale) in zip(axes, panels):
        draw(ax, lines, numeric, positions, name, scale)
        ax.set_ylabel(title)
        ax.grid(True, alpha=0.3)
        ax.set_ylim(bottom=0)
        if name == "slo_attainment":
            ax.set_ylim(0, 105)
    if any(label for label, _ in lines):
        axes[0].legend(fontsize="small")
    if not numeric:
        axes[-1].set_xticks(list(positions.values()))
        axes[-1].set_xticklabels(list(positions.keys()), rotation=30, ha="right")
        axes[-1].set_xlim(-0.5, len(positions) - 0.5)
    axes[-1].set_xlabel(keys[0])
    count = sum(len(points) for _, points in lines)
    axes[0].set_title(f"Sweep over {' x '.join(keys)}\n{count} points; bars: 95 % confidence interval of the mean",
                      fontsize="medium")
    fig.tight_layout()
    out = os.path.join(folders[0], "sweep.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(out)
