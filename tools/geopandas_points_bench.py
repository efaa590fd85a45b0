"""The peer of `local-atlas import points` + `aggregate-points` for README's measurement:
geopandas reads the police.uk burglary points and the sample's LSOA boundaries, projects both
to British National Grid, joins each point to the LSOA that covers it (`sjoin`, predicate
`covered_by`) and counts points per LSOA and year, written to a CSV.

    /usr/bin/time -v python3 tools/geopandas_points_bench.py POINTS.csv LSOA.geojson OUT.csv
"""
import sys

import geopandas as gpd
import pandas as pd

points_csv, lsoa_json, out = sys.argv[1:4]
df = pd.read_csv(points_csv)
points = gpd.GeoDataFrame(
    df, geometry=gpd.points_from_xy(df.Longitude, df.Latitude), crs="EPSG:4326"
).to_crs(27700)
lsoa = gpd.read_file(lsoa_json).to_crs(27700)[["area_code", "geometry"]]
joined = gpd.sjoin(points, lsoa, how="inner", predicate="covered_by")
# A point on a shared edge joins every area whose closed polygon holds it: keep the smallest code.
joined = joined.sort_values("area_code").loc[lambda j: ~j.index.duplicated()]
joined["year"] = joined.Month.str[:4]
counts = joined.groupby(["area_code", "year"]).size().rename("count").reset_index()
counts.to_csv(out, index=False)
print(len(df), int(counts["count"].sum()), len(df) - len(joined))
