"""Independent reference for `local-atlas aggregate-points`: police.uk burglaries per GM LSOA,
counted with shapely (GEOS) instead of geo.

Reads the sample's LSOA boundaries (seeds/gm_lsoa2011_bgc.geojson, WGS 84) and the burglary
points (../shared/data/crime/gmp_burglary_points_2016-02_to_2019-01.csv, Longitude/Latitude),
projects both to British National Grid with pyproj using the same 7-parameter Helmert proj
string the workspace uses (src/data/crs.rs), and counts each point in the LSOAs whose closed
polygon covers it (shapely STRtree + `covers`), giving a point covered by several LSOAs (a
shared edge or vertex) to the smallest code, as aggregate-points does. Prints the counts of
the chosen LSOAs (all 36 months and per year), the points outside every LSOA, how many points
lie on a boundary (covered but not contained), the largest and a smallest-count LSOA, and the
LSOAs on Greater Manchester's outer edge with their counts.

Usage (from the repository root; needs: pip install shapely pyproj):
    python3 tools/reference_burglary_counts.py [CODE ...]
"""
import csv, json, sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
LSOA = ROOT / "seeds" / "gm_lsoa2011_bgc.geojson"
POINTS = ROOT.parent / "shared" / "data" / "crime" / "gmp_burglary_points_2016-02_to_2019-01.csv"
BNG_PROJ = ("+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 "
            "+ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs")
# The busiest two (city centre), two of the quietest, two on the GM outer edge.
CHOSEN = ["E01033658", "E01033653", "E01006321", "E01033660", "E01004768", "E01004777"]

to_bng = pyproj.Transformer.from_crs(pyproj.CRS.from_proj4("+proj=longlat +datum=WGS84 +no_defs"),
                                     pyproj.CRS.from_proj4(BNG_PROJ), always_xy=True)

features = json.loads(LSOA.read_text())["features"]
codes = [f["properties"]["area_code"] for f in features]
names = {f["properties"]["area_code"]: f["properties"]["area_name"] for f in features}
polys = [shapely.transform(shape(f["geometry"]),
                           lambda c: np.column_stack(to_bng.transform(c[:, 0], c[:, 1])))
         for f in features]
tree = shapely.STRtree(polys)

rows = list(csv.DictReader(POINTS.open(newline="")))
lon = [float(r["Longitude"]) for r in rows]
lat = [float(r["Latitude"]) for r in rows]
x, y = to_bng.transform(lon, lat)
pts = shapely.points(x, y)

# Candidate (point, area) pairs whose closed polygon covers the point.
pi, ai = tree.query(pts, predicate="covered_by")
best = {}
for p, a in zip(pi.tolist(), ai.tolist()):
    if p not in best or codes[a] < codes[best[p]]:
        best[p] = a
on_boundary = sum(1 for p, a in zip(pi.tolist(), ai.tolist())
                  if not polys[a].contains(pts[p]))
shared = len(pi) - len(best)

total = Counter()
by_year = Counter()
for p, a in best.items():
    total[codes[a]] += 1
    by_year[(codes[a], rows[p]["Month"][:4])] += 1
outside = len(rows) - len(best)

print(f"points {len(rows)}, assigned {len(best)}, outside {outside}, "
      f"on a boundary (covered, not contained) {on_boundary}, covered by 2+ LSOAs {shared}")
print(f"LSOAs {len(codes)}, with no point {sum(1 for c in codes if total[c] == 0)}")
ranked = sorted(codes, key=lambda c: (-total[c], c))
print("largest:", [(c, total[c]) for c in ranked[:3]])
print("smallest:", [(c, total[c]) for c in ranked[-3:]])
gm = unary_union(polys).boundary
edge = sorted(c for c, poly in zip(codes, polys) if poly.boundary.intersection(gm).length > 100)
print(f"LSOAs on the GM edge (> 100 m of it): {len(edge)}, e.g.",
      [(c, total[c]) for c in edge[:5]])
years = ["2016", "2017", "2018", "2019"]
print("year totals:", {yr: sum(v for (c, y_), v in by_year.items() if y_ == yr) for yr in years})
for c in (sys.argv[1:] or CHOSEN):
    print(c, names.get(c, "?"), "all:", total[c], "by year:", [by_year[(c, yr)] for yr in years],
          "edge" if c in edge else "")
