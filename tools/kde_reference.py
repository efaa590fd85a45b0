#!/usr/bin/env python3
"""Independent reference for `local-atlas kde`: the quartic (biweight) kernel density of points
on a regular grid, written with numpy from the definition, not from the Rust code.

    K(d) = 3 / (pi h^2) * (1 - d^2/h^2)^2  for d < h, else 0      (Silverman 1986, eq. 4.5)

Density per km^2 (x 1e6) at each cell centre. The grid covers the points' bounding box grown by
the bandwidth h on every side, from its lower-left corner, in ceil(width/cell) x
ceil(height/cell) square cells; row 0 is the bottom row (as `kde --json` and DensityGrid).

Usage (the fixture of tests/kde.rs was made with):

    python3 tools/kde_reference.py tests/fixtures/kde/burglary_300_bng.csv 500 100 \
        > tests/fixtures/kde/burglary_300_ref.json

The CSV has `easting,northing` columns in British National Grid metres.
"""
import csv
import json
import math
import sys

import numpy as np


def main():
    path, h, cell = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([float(r["easting"]) for r in rows])
    y = np.array([float(r["northing"]) for r in rows])
    min_x, min_y = x.min() - h, y.min() - h
    width, height = (x.max() + h) - min_x, (y.max() + h) - min_y
    cols, rows_n = max(1, math.ceil(width / cell)), max(1, math.ceil(height / cell))
    cx = min_x + (np.arange(cols) + 0.5) * cell
    cy = min_y + (np.arange(rows_n) + 0.5) * cell
    gx, gy = np.meshgrid(cx, cy)  # shape (rows, cols), row 0 = lowest northing
    density = np.zeros_like(gx)
    for px, py in zip(x, y):
        d2 = (gx - px) ** 2 + (gy - py) ** 2
        u = np.where(d2 < h * h, 1.0 - d2 / (h * h), 0.0)
        density += 3.0 / (math.pi * h * h) * u * u
    density *= 1e6
    json.dump(
        {
            "source": "tools/kde_reference.py (numpy %s)" % np.__version__,
            "points": len(x),
            "bandwidth_m": h,
            "cell_m": cell,
            "origin_bng": [min_x, min_y],
            "cols": cols,
            "rows": rows_n,
            "total": float(density.sum() * cell * cell / 1e6),
            "values": [float(v) for v in density.ravel()],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
