"""The reference for `local-atlas bench --maps`: geopandas + matplotlib drawing a FisherJenks
(k = 5) choropleth with a legend to a 3000 x 2000 px PNG, timed on the same machine.

    pip install geopandas matplotlib mapclassify numba pyogrio
    python3 tools/geopandas_map_bench.py [SHARED_DATA_DIR]

Prints the median and minimum of 5 runs for GM (seeds/) and London (../shared/data).
"""
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"


def bench(gdf, column, label, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fig, ax = plt.subplots(figsize=(10, 20 / 3), dpi=300)
        gdf.plot(column=column, scheme="FisherJenks", k=5, cmap="YlOrRd", legend=True, ax=ax,
                 edgecolor="white", linewidth=0.1)
        ax.set_axis_off()
        ax.set_title(label)
        fig.savefig("/tmp/geopandas-bench.png", dpi=300)
        plt.close(fig)
        times.append(time.perf_counter() - t)
    print(f"{label}: median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms")


gm = gpd.read_file(ROOT / "seeds/gm_lsoa2011_bgc.geojson").to_crs(27700)
imd = pd.read_csv(ROOT / "seeds/gm_iod2019_lsoa_wide.csv")
bench(gm.merge(imd, left_on="area_code", right_on="lsoa11cd"), "imd_score", "GM")
london = gpd.read_file(SHARED / "london/london-2011-lsoa-gen20.shp")
ranks = pd.read_csv(SHARED / "england_imd2019_lsoa_ranks_deciles.csv")
bench(london.merge(ranks, left_on="LSOA11CD", right_on="lsoa_code"), "IMD_rank", "London")
