#!/usr/bin/env python3
"""Draws the figures of bench/scale.sh: one small SVG chart per figure, against the number of
events, both axes logarithmic, a line per backend, each point labelled with its value, and a
dashed grey line for what growing in proportion to the events would give (from the first
point), so that flat, linear and worse are told apart at a glance.

    bench/plot.py bench/results/scale.csv bench/results/

No dependency beyond Python's standard library.
"""

import csv
import math
import os
import sys
from collections import defaultdict
from xml.sax.saxutils import escape

TITLES = {
    "import": "events import: wall time",
    "import-memory": "events import: peak memory",
    "database-size": "database size after the import",
    "list-org": "list --org X --from --to (one year)",
    "list-search": "list --search PHRASE --limit 20",
    "orgs": "orgs",
    "show": "show 1",
    "orgs-memory": "orgs: peak memory",
    "list-json-memory": "list --format json: peak memory",
    "list-table-memory": "list (table): peak memory",
}
COLOURS = {"sqlite": "#1f77b4", "postgres": "#d62728"}
W, H = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 96, 34, 40


def size_label(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def value_label(v, unit):
    if v >= 100:
        text = f"{v:.0f}"
    elif v >= 10:
        text = f"{v:.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def chart(figure, unit, series):
    sizes = sorted({n for points in series.values() for n, _ in points})
    values = [v for points in series.values() for _, v in points if v > 0]
    if not sizes or not values:
        return None
    x_lo, x_hi = math.log10(min(sizes)), math.log10(max(sizes))
    # A little room either side for the labels of the first and last points.
    x_lo, x_hi = x_lo - 0.15, x_hi + 0.15
    # Room for the proportional line too.
    refs = []
    for points in series.values():
        points = sorted(points)
        if points and points[0][1] > 0:
            n0, v0 = points[0]
            refs.append([(n, v0 * n / n0) for n in sizes])
    all_values = values + [v for ref in refs for _, v in ref]
    y_lo = math.floor(math.log10(min(all_values)))
    y_hi = math.ceil(math.log10(max(all_values)))
    if y_hi == y_lo:
        y_hi += 1

    def x(n):
        return LEFT + (math.log10(n) - x_lo) / (x_hi - x_lo) * (W - LEFT - RIGHT)

    def y(v):
        return H - BOTTOM - (math.log10(v) - y_lo) / (y_hi - y_lo) * (H - TOP - BOTTOM)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(TITLES.get(figure, figure))} against the number of events</title>",
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold">'
        f"{escape(TITLES.get(figure, figure))} ({escape(unit)})</text>",
    ]
    # Decades on the value axis, sizes on the other.
    for d in range(y_lo, y_hi + 1):
        yy = y(10**d)
        out.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{W - RIGHT}" y2="{yy:.1f}" stroke="#ddd"/>'
        )
        label = f"{10**d:g}" if d >= 0 else f"{10**d:.{-d}f}"
        out.append(
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{label}</text>'
        )
    for n in sizes:
        xx = x(n)
        out.append(
            f'<line x1="{xx:.1f}" y1="{TOP}" x2="{xx:.1f}" y2="{H - BOTTOM}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{xx:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{size_label(n)}</text>'
        )
    out.append(
        f'<text x="{(LEFT + W - RIGHT) / 2:.1f}" y="{H - 6}" text-anchor="middle">events</text>'
    )
    for ref in refs[:1]:
        path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in ref)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="#999" stroke-dasharray="4 3"/>'
        )
    # The legend, top right.
    legend = [(b, COLOURS.get(b, "#2ca02c"), "") for b in sorted(series)]
    if refs:
        legend.append(("linear", "#999", ' stroke-dasharray="4 3"'))
    for i, (label, colour, dash) in enumerate(legend):
        yy = TOP + 6 + 16 * i
        lx = W - RIGHT + 10
        out.append(
            f'<line x1="{lx}" y1="{yy}" x2="{lx + 18}" y2="{yy}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{lx + 24}" y="{yy + 4}" fill="{colour}">{escape(label)}</text>')
    for i, (backend, points) in enumerate(sorted(series.items())):
        colour = COLOURS.get(backend, "#2ca02c")
        points = sorted(p for p in points if p[1] > 0)
        path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for n, v in points:
            out.append(f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
            dy = -7 if i == 0 else 14
            out.append(
                f'<text x="{x(n):.1f}" y="{y(v) + dy:.1f}" text-anchor="middle" '
                f'fill="{colour}">{escape(value_label(v, unit))}</text>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    figures = defaultdict(lambda: defaultdict(list))
    units = {}
    with open(source, newline="") as f:
        for row in csv.DictReader(f):
            figures[row["figure"]][row["backend"]].append(
                (int(row["events"]), float(row["value"]))
            )
            units[row["figure"]] = row["unit"]
    for figure, series in sorted(figures.items()):
        svg = chart(figure, units[figure], series)
        if svg is None:
            continue
        path = os.path.join(out_dir, f"scale-{figure}.svg")
        with open(path, "w", encoding="utf-8") as f:
            f.write(svg)
        print(path)


if __name__ == "__main__":
    main()
