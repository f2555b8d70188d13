"""Measure point lookups per second on one core: ``python bench/locate.py [N]``.

Loads the shipped geography into a throw-away SQLite database (never the
configured one), builds the index the way a web process does on its first
lookup, then times ``locate()`` over N seeded random points in the region's
bounding box. The goal is at least 50,000 lookups per second.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBOX = (4.24376, 50.76368, 4.48227, 50.91390)  # lon/lat, data/brussels/SOURCES.md
GOAL = 50_000


def main(n: int = 200_000, seed: int = 1) -> int:
    if hasattr(os, "sched_setaffinity"):
        # One core, as promised: the figure must not borrow a second one.
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.TemporaryDirectory(prefix="umbrella-bench-")
    # A private database: the bench must never write to a real one.
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(Path(scratch.name) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from umbrella.areas.actions import load_brussels
    from umbrella.areas.locate import get_index, locate

    call_command("migrate", verbosity=0)
    load_brussels()
    started = time.perf_counter()
    index = get_index()
    built = time.perf_counter() - started

    rng = random.Random(seed)
    west, south, east, north = BBOX
    points = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(n)]
    inside = 0
    started = time.perf_counter()
    for lat, lon in points:
        inside += locate(lat, lon).inside_region
    elapsed = time.perf_counter() - started
    rate = n / elapsed

    stats = index.stats()
    print(
        f"index: built in {built:.2f} s from the database; {stats['cells']:,} cells of "
        f"{stats['cell_size_m']:.0f} m, {stats['border']:,} on a border"
    )
    print(f"locate: {rate:,.0f} lookups/s (n={n:,}, one core; {inside / n:.0%} inside the region)")
    scratch.cleanup()
    if rate < GOAL:
        print(f"below the goal of {GOAL:,} lookups/s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000))
