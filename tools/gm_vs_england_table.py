#!/usr/bin/env python3
"""The README's table: each GM district against England for the latest period of every
indicator of the Fingertips extract that has 95% limits, by the comparison method the file
names (Confidence intervals overlapping reference value (95.0) -> ci95, (99.8) -> ci99_8,
Quintiles -> quintiles), through `local-atlas compare --json`.

Usage: tools/gm_vs_england_table.py LOCAL_ATLAS_BINARY WORKSPACE.gpkg EXTRACT.csv
(the workspace: the sample project with the extract imported at lad16).
"""
import csv
import json
import subprocess
import sys

binary, ws, extract = sys.argv[1:4]
METHODS = {
    "Confidence intervals overlapping reference value (95.0)": "ci95",
    "Confidence intervals overlapping reference value (99.8)": "ci99_8",
    "Quintiles": "quintiles",
}
SHORT = {"better": "better", "similar": "similar", "worse": "worse", "higher": "higher",
         "lower": "lower", "best": "best", "worst": "worst", "not_compared": "n/c"}
DISTRICTS = [("E08000001", "Bolton"), ("E08000002", "Bury"), ("E08000003", "Manchester"),
             ("E08000004", "Oldham"), ("E08000005", "Rochdale"), ("E08000006", "Salford"),
             ("E08000007", "Stockport"), ("E08000008", "Tameside"), ("E08000009", "Trafford"),
             ("E08000010", "Wigan")]

methods, names, with_ci = {}, {}, set()
for r in csv.DictReader(open(extract, encoding="utf-8-sig")):
    i = r["indicator_id"]
    names[i] = r["indicator_name"]
    if r["benchmark_comparison_method"] in METHODS:
        methods[i] = METHODS[r["benchmark_comparison_method"]]
    if r["lower_ci_95"].strip():
        with_ci.add(i)

info = json.loads(subprocess.run([binary, "info", ws, "--json"], check=True,
                                 capture_output=True, text=True).stdout)
stored = {i["code"] for i in info["indicators"] if i["geography"] == "lad16"}

print("| Indicator (method, period) | England | " + " | ".join(n for _, n in DISTRICTS) + " |")
print("|---|---|" + "---|" * len(DISTRICTS))
for ind in sorted(stored & with_ci & set(methods), key=int):
    out = subprocess.run([binary, "compare", ws, "--geography", "lad16", "--indicator", ind,
                          "--benchmark", "E92000001", "--method", methods[ind], "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(f"| {ind} {names[ind][:60]} | {out.stderr.strip()[:80]} |")
        continue
    r = json.loads(out.stdout)
    bench = r["benchmark"].get("value")
    by = {a["code"]: a for a in r["areas"]}
    cells = []
    for code, _ in DISTRICTS:
        a = by.get(code)
        if a is None or a["value"] is None:
            cells.append("–")
        else:
            cells.append(f"{a['value']:.1f} {SHORT[a['result']]}")
    title = names[ind] if len(names[ind]) <= 70 else names[ind][:67] + "…"
    b = f"{bench:.1f}" if isinstance(bench, (int, float)) else "–"
    print(f"| {ind} {title} ({methods[ind]}, {r['period']}) | {b} | " + " | ".join(cells) + " |")
