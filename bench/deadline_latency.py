"""Measure due time → escalation published, with a real worker process.

Run: ``python bench/deadline_latency.py [N] [--database-url URL]``.

Sets up a throw-away SQLite database (never the configured one; pass
``--database-url postgres://…`` to use a PostgreSQL database you can spare),
a sex worker whose circle has two tiers, and N alarms whose escalation
deadlines fall due one after another (every ``SPACING`` seconds) in the near
future. A real ``manage.py alarm_worker`` process runs them. The bench polls
the database for each escalation's committed timeline step and notify event,
and reports the time from the deadline's due time to the moment the step was
visible (committed, published). The goal is p99 ≤ 250 ms.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 250
SPACING = 0.15
TIER1_DELAY = 60


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=60)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    scratch = tempfile.TemporaryDirectory(prefix="umbrella-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if args.database_url:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = os.environ["SQLITE_PATH"] = str(Path(scratch.name) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from umbrella.accounts import actions as accounts
    from umbrella.accounts.models import OrganisationKind, Role
    from umbrella.alarms import actions
    from umbrella.alarms.models import AlarmStep, Deadline, Source, StepKind
    from umbrella.core.models import WorkerHeartbeat

    call_command("migrate", verbosity=0)
    suffix = str(int(time.time()))
    worker = accounts.create_account(f"bench-worker-{suffix}", Role.SEX_WORKER)
    accounts.create_account(f"bench-responder-{suffix}", Role.RESPONDER)
    outreach = accounts.create_account(f"bench-outreach-{suffix}", Role.SUPPORT_WORKER)
    org = accounts.ensure_organisation(
        f"Bench outreach {suffix}", OrganisationKind.SUPPORT_ORGANISATION
    )
    accounts.add_membership(outreach, org, on_duty=True)
    actions.set_circle(
        worker,
        [
            actions.TierSpec("people", TIER1_DELAY, [f"bench-responder-{suffix}"]),
            actions.TierSpec("organisation_rota", 600, organisation_id=org.pk),
        ],
        timezone.now(),
        police_opt_in=False,
    )

    proc = subprocess.Popen(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", "alarm_worker", "--name", "bench"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = time.monotonic()
        while not WorkerHeartbeat.objects.filter(name="bench").exists():
            if time.monotonic() - started > 30:
                print("the worker did not start within 30 s")
                return 1
            time.sleep(0.05)

        # Create the alarms with their escalations an hour away, then move the
        # deadlines to the near future in one transaction: the latency counts
        # from each due time, not from how long creating N alarms took.
        later = timezone.now() + timedelta(hours=1)
        pks = [
            actions.raise_alarm(worker, Source.APP, later - timedelta(seconds=TIER1_DELAY)).pk
            for _ in range(args.n)
        ]
        due = {}
        with transaction.atomic():
            first_due = timezone.now() + timedelta(seconds=1)
            for i, pk in enumerate(pks):
                due[pk] = first_due + timedelta(seconds=i * SPACING)
                Deadline.objects.filter(alarm_id=pk, done_at__isnull=True).update(due_at=due[pk])
        if timezone.now() > first_due:
            print("warning: scheduling took longer than the 1 s head start")

        seen: dict[int, float] = {}
        stop_at = time.monotonic() + 10 + args.n * SPACING
        while len(seen) < len(due) and time.monotonic() < stop_at:
            fresh = (
                AlarmStep.objects.filter(kind=StepKind.ESCALATED, alarm_id__in=due)
                .exclude(alarm_id__in=seen)
                .values_list("alarm_id", flat=True)
            )
            now = timezone.now()
            for alarm_id in fresh:
                seen[alarm_id] = (now - due[alarm_id]).total_seconds() * 1000
            time.sleep(0.002)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)

    if len(seen) < len(due):
        print(f"only {len(seen)} of {len(due)} escalations happened")
        return 1
    latencies = list(seen.values())
    if os.environ.get("BENCH_VERBOSE"):
        print([round(seen[pk]) for pk in sorted(seen)])
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"deadline → escalation published ({backend}, {len(latencies)} deadlines, one worker): "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms "
        f"(goal p99 ≤ {GOAL_MS} ms: {'met' if p99 <= GOAL_MS else 'NOT met'})"
    )
    return 0 if p99 <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
