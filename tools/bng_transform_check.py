"""PROJ (pyproj) BNG -> WGS 84: speed on 1,000,000 points, and agreement between PROJ's default
EPSG:27700 -> EPSG:4326 and the explicit +towgs84 Helmert string Local Atlas gives proj4rs
(src/data/crs.rs). Usage: python3 bng_transform_check.py   (needs: pip install pyproj numpy)
"""
import statistics, time, warnings
import numpy as np
import pyproj
from pyproj import CRS, Geod, Transformer
from pyproj.transformer import TransformerGroup

warnings.simplefilter("ignore")  # "best transformation (OSTN15 grid) is not available"
BNG_PROJ = ("+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 "
            "+ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs")

print(f"pyproj {pyproj.__version__}, PROJ {pyproj.proj_version_str}, "
      f"network grids enabled: {pyproj.network.is_network_enabled()}")
group = TransformerGroup("EPSG:27700", "EPSG:4326", always_xy=True)
best = group.transformers[0]  # the operation PROJ ranks first among those it can run
print("best available:", best.description, "| accuracy (m):", best.accuracy)
for op in group.unavailable_operations:
    print("not available (needs grid", [g.short_name for g in op.grids], "):", op.name, "| accuracy (m):", op.accuracy)

# A 1000 x 1000 grid over the whole BNG extent (0-700 km E, 0-1,250 km N), sea included.
e, n = np.meshgrid(np.linspace(0, 700_000, 1000), np.linspace(0, 1_250_000, 1000))
e, n = e.ravel(), n.ravel()
default = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
helmert = Transformer.from_crs(CRS.from_proj4(BNG_PROJ), "EPSG:4326", always_xy=True)

def med_s(t):
    t.transform(e[:1000], n[:1000])
    ts = []
    for _ in range(5):
        t0 = time.perf_counter(); t.transform(e, n); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

for name, t in [("PROJ default EPSG:27700->4326", default), ("explicit +towgs84 string", helmert)]:
    s = med_s(t)
    print(f"{name}: 1,000,000 points in {s * 1e3:.0f} ms (median of 5) = {1 / s:.2f} M points/s")

geod = Geod(ellps="WGS84")
lon_h, lat_h = helmert.transform(e, n)
w, s_, east, north = best.area_of_use.bounds
inside = (lon_h >= w) & (lon_h <= east) & (lat_h >= s_) & (lat_h <= north)
for name, t in [("PROJ default", default), ("PROJ best op pinned", best)]:
    lon, lat = t.transform(e, n)
    d = geod.inv(lon, lat, lon_h, lat_h)[2]
    same = (lon == lon_h) & (lat == lat_h)
    print(f"{name} vs +towgs84 string: bit-identical {same.sum():,}; differ by > 1 mm {(d > 1e-3).sum():,}; "
          f"max inside the op's area of use ({inside.sum():,} pts) {d[inside].max():.3g} m, "
          f"outside ({(~inside).sum():,} pts) {d[~inside].max():.3g} m")
