"""Reference rates for `local-atlas smooth` from PySAL's esda.smoothing.

Burglaries recorded in 2018 (seeds/gm_burglary_lsoa_2017_2018.csv) over the mid-2019
population of all ages (seeds/gm_population_mid2019_lsoa.csv) in the 1,673 Greater Manchester
LSOAs, with queen contiguity from libpysal on the LSOA boundaries in British National Grid
(seeds/gm_lsoa2011_bgc.geojson, the sample's lsoa11; tests/weights_reference.rs shows Local
Atlas builds the same neighbours).

    python -m venv env && env/bin/pip install esda libpysal geopandas
    env/bin/python tools/smoothing_reference.py > tests/fixtures/smoothing/gm_burglary_2018_pysal.csv

Writes one row per LSOA (by code): count, population, raw rate (esda's crude rate e/b),
Excess_Risk, Empirical_Bayes and Spatial_Empirical_Bayes (queen), with 17 significant digits,
and a comment header with the package versions and the global EB θ₂.
"""

import csv
import sys

import esda
import geopandas as gpd
import libpysal
import numpy as np
from esda.smoothing import Empirical_Bayes, Excess_Risk, Spatial_Empirical_Bayes
from libpysal.weights import Queen

SEEDS = "seeds/"

counts = {}
with open(SEEDS + "gm_burglary_lsoa_2017_2018.csv", newline="") as f:
    for r in csv.DictReader(f):
        if r["indicator"] == "burglary_count" and r["period"] == "2018":
            counts[r["area_code"]] = float(r["value"])
pops = {}
with open(SEEDS + "gm_population_mid2019_lsoa.csv", newline="") as f:
    for r in csv.DictReader(f):
        pops[r["lsoa11_code"]] = float(r["population_total"])

gdf = gpd.read_file(SEEDS + "gm_lsoa2011_bgc.geojson").to_crs(27700)
gdf = gdf.sort_values("area_code").reset_index(drop=True)
codes = gdf["area_code"].astype(str).tolist()
e = np.array([counts[c] for c in codes])
b = np.array([pops[c] for c in codes])
w = Queen.from_dataframe(gdf, use_index=False, ids=codes)
w.id_order = codes
assert not w.islands, w.islands

raw = e / b
er = Excess_Risk(e, b).r.ravel()
eb = Empirical_Bayes(e, b).r.ravel()
seb = Spatial_Empirical_Bayes(e, b, w).r.ravel()

theta1 = e.sum() / b.sum()
theta2 = (b * (raw - theta1) ** 2).sum() / b.sum() - theta1 / b.mean()

out = sys.stdout
out.write(
    f"# esda {esda.__version__}, libpysal {libpysal.__version__}, geopandas {gpd.__version__}, "
    f"numpy {np.__version__}; queen on {len(codes)} LSOAs, {int(w.s0)} links; "
    f"theta1 {theta1:.17g}, theta2 {theta2:.17g}\n"
)
wr = csv.writer(out, lineterminator="\n")
wr.writerow(["code", "count", "population", "raw", "excess_risk", "eb", "spatial_eb"])
for i, c in enumerate(codes):
    wr.writerow([c, f"{e[i]:g}", f"{b[i]:g}"] + [f"{v:.17g}" for v in (raw[i], er[i], eb[i], seb[i])])
