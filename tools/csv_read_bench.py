"""Time reading the largest indicator CSVs with polars vs Python's csv module.

Usage: python3 csv_read_bench.py [DATA_DIR] [REPEAT]   (needs: pip install polars)
Median of REPEAT runs (default 15) per file, after one warm-up read (file in page cache).
"csv module" = decode the bytes, split into rows of strings, float() every numeric cell:
roughly what Local Atlas's importer does (csv crate -> strings -> parse_cell) in Rust.
"""
import csv, io, os, statistics, sys, time

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 15
FILES = [
    "fingertips/healthdata_2025-02-12_full.csv",
    "crime/gmp_burglary_points_2016-02_to_2019-01.csv",
    "postcodes/nspl_nov2021_WN_area_gm_only.csv",
    "gm/gm_iod_lsoa_2019_2015_long.csv",
    "fingertips/gm_districts_and_england_subset.csv",
    "england_imd2019_lsoa_ranks_deciles.csv",
]

def med_ms(f):
    f()
    ts = []
    for _ in range(REPEAT):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3

def with_csv_module(path):
    text = open(path, "rb").read().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    n = 0
    for row in rows[1:]:
        for cell in row:
            try:
                float(cell); n += 1
            except ValueError:
                pass
    return len(rows) - 1, n

t0 = time.perf_counter()
import polars as pl
import_ms = (time.perf_counter() - t0) * 1e3
print(f"polars {pl.__version__}, threads {pl.thread_pool_size()}, 'import polars' {import_ms:.0f} ms; "
      f"Python {sys.version.split()[0]}; median of {REPEAT}")
print("| file | MB | rows × cols | polars, default inference | polars, typed (full inference) ms | polars, all strings ms | csv module ms (rows + floats) | csv module MB/s |")
print("|---|---|---|---|---|---|---|---|")
for rel in FILES:
    path = os.path.join(DATA, rel)
    mb = os.path.getsize(path) / 1e6
    try:
        default = f"{med_ms(lambda: pl.read_csv(path)):.1f} ms"
    except pl.exceptions.ComputeError as e:
        default = "fails: " + str(e).splitlines()[0][:60]
    df = pl.read_csv(path, infer_schema_length=None)
    t_typed = med_ms(lambda: pl.read_csv(path, infer_schema_length=None))
    t_str = med_ms(lambda: pl.read_csv(path, infer_schema=False))
    t_py = med_ms(lambda: with_csv_module(path))
    print(f"| `{rel}` | {mb:.1f} | {df.height:,} × {df.width} | {default} | {t_typed:.1f} | "
          f"{t_str:.1f} | {t_py:.0f} | {mb / t_py * 1e3:.0f} |")
