#!/usr/bin/env python3
"""Frame-to-frame gaps from a LOCAL_ATLAS_FRAME_LOG file (one line per frame: ms since the
first frame). Usage: frame_gaps.py FRAMES.log [FROM_MS TO_MS]... prints, for each window, the
number of frames, the median and the largest gap (a frozen UI thread is one long gap)."""
import statistics
import sys

times = [float(line) for line in open(sys.argv[1]) if line.strip()]
windows = sys.argv[2:] or [str(times[0]), str(times[-1])]
for lo, hi in zip(windows[0::2], windows[1::2]):
    lo, hi = float(lo), float(hi)
    inside = [t for t in times if lo <= t <= hi]
    gaps = [b - a for a, b in zip(inside, inside[1:])]
    if not gaps:
        print(f"{lo:.0f}-{hi:.0f} ms: fewer than two frames")
        continue
    print(
        f"{lo:.0f}-{hi:.0f} ms: {len(inside)} frames, median gap {statistics.median(gaps):.1f} ms, "
        f"largest {max(gaps):.1f} ms"
    )
