"""Measure ``manage.py backup`` and ``manage.py restore`` of the demo install.

Run: ``python bench/backup.py [--runs N] [--engines sqlite,postgresql]
[--database-url postgres://127.0.0.1:5432]``.

Builds the install ``make run`` builds, in a throw-away directory (never the
configured one): ``manage.py deploy`` (migrations, every seed: the Brussels
geography, the directory, the report routing, the recommendations, the
course), ``manage.py demo``, and one alarm of demo-worker with a note and a
location. Then, ``--runs`` times: back it up, and restore the archive into a
fresh directory (SQLite) — and, when PostgreSQL answers, the same on a
throw-away database restored into another fresh one (both dropped after).

Reported: each command's own time (what it prints: from its start to the
archive written or the install restored) and the whole process's wall time
(with the interpreter and Django starting). The goal is under 10 s each.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 10.0
# Thrown away with the archives.
PASSPHRASE = secrets.token_urlsafe(24)
ALARM = """
import django
django.setup()
from django.utils import timezone
from umbrella.accounts.models import User
from umbrella.alarms.actions.alarms import raise_alarm
raise_alarm(User.objects.get(username="demo-worker"), "app", timezone.now(),
            lat=50.8466, lon=4.3528, accuracy=8.0, note="Room 12, blue door", is_test=True)
"""
READ_BACK = """
import django
django.setup()
from umbrella.alarms.models import Alarm
print(Alarm.objects.get().note)
"""


def manage(env: dict, *args: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.monotonic() - started, done.stdout


def python(env: dict, script: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"script failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


def own_time(output: str) -> float:
    found = re.search(r" in ([0-9.]+) s\.", output)
    if found is None:
        sys.exit(f"no time in the command's output:\n{output[-3000:]}")
    return float(found.group(1))


def environment(var_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL",
           "SQLITE_PATH", "FIELD_ENCRYPTION_KEYS", "SECRET_KEY", "VAPID_FILE")}  # fmt: skip
    env.update(
        DJANGO_SETTINGS_MODULE="umbrella.settings",
        UMBRELLA_VAR_DIR=str(var_dir),
        BACKUP_PASSPHRASE=PASSPHRASE,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def build_demo(env: dict) -> None:
    print("  building the demo install (deploy, demo, an alarm)…", flush=True)
    manage(env, "deploy", "--skip-translations")
    manage(env, "demo", f"--password={secrets.token_urlsafe(12)}")
    python(env, ALARM)


def measure(label: str, source_env: dict, fresh_target, runs: int, work: Path) -> bool:
    archive = work / f"{label}.backup"
    # command → (seconds in the command, seconds with start-up) per run
    rows: dict[str, list[tuple[float, float]]] = {"backup": [], "restore": []}
    for run in range(runs):
        wall, out = manage(source_env, "backup", str(archive))
        rows["backup"].append((own_time(out), wall))
        target_env, cleanup = fresh_target(run)
        try:
            wall, out = manage(target_env, "restore", str(archive))
            rows["restore"].append((own_time(out), wall))
            if python(target_env, READ_BACK) != "Room 12, blue door":
                sys.exit("the restored alarm's note does not read back")
        finally:
            cleanup()
    size = archive.stat().st_size / 1e6
    ok = True
    print(f"  {label}: archive {size:.1f} MB")
    for command, values in rows.items():
        own = statistics.median(v[0] for v in values)
        wall = statistics.median(v[1] for v in values)
        met = own < GOAL_SECONDS
        ok &= met
        print(
            f"  {label} {command:7}: median {own:.2f} s in the command, {wall:.2f} s with "
            f"start-up ({runs} runs; worst {max(v[0] for v in values):.2f} s) "
            f"{'meets' if met else 'MISSES'} the {GOAL_SECONDS:.0f} s goal"
        )
    return ok


def sqlite_bench(runs: int, work: Path) -> bool:
    source = environment(work / "sqlite-source", None)
    build_demo(source)

    def fresh(run: int):
        return environment(work / f"sqlite-target-{run}", None), lambda: None

    return measure("SQLite", source, fresh, runs, work)


def postgres_bench(runs: int, work: Path, server: str) -> bool:
    import psycopg

    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        print("  (PostgreSQL does not answer: its run is skipped)")
        return True
    names = []

    def create() -> str:
        name = f"umbrella_bench_backup_{secrets.token_hex(4)}"
        admin.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return name

    def drop(name: str) -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        source = environment(work / "pg-source", f"{server}/{create()}")
        build_demo(source)

        def fresh(run: int):
            name = create()
            return environment(work / f"pg-target-{run}", f"{server}/{name}"), lambda: drop(name)

        return measure("PostgreSQL", source, fresh, runs, work)
    finally:
        for name in names:
            drop(name)
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--engines", default="sqlite,postgresql", help="Which engines to measure (comma-separated)."
    )
    parser.add_argument(
        "--database-url",
        default="postgres://127.0.0.1:5432",
        help="A PostgreSQL server (no database name) where throw-away databases may be made.",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="umbrella-bench-backup-") as work:
        engines = {engine.strip() for engine in args.engines.split(",")}
        ok = True
        if "sqlite" in engines:
            ok &= sqlite_bench(args.runs, Path(work))
        if "postgresql" in engines:
            ok &= postgres_bench(args.runs, Path(work), args.database_url.rstrip("/"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
