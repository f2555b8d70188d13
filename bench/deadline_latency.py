"""Measure due time → escalation published and delivered, with a real worker process.

Run: ``python bench/deadline_latency.py [N] [--database-url URL] [--load RATE]``.

Sets up a throw-away SQLite database (never the configured one; pass
``--database-url postgres://…`` to use a PostgreSQL database you can spare),
a sex worker whose circle has two tiers, and N alarms whose escalation
deadlines fall due one after another (every ``SPACING`` seconds) in the near
future. A real ``manage.py worker`` process runs them. The tier-2
person (the on-duty outreach worker) has a verified SMS number, and SMS goes
through the Twilio adapter to a stand-in Twilio served by this script on
loopback, which answers after ``--provider-ms`` (default 300 ms, a real
provider's order of magnitude).

Two scenarios:

- **quiet**: only the N escalations;
- **loaded**: meanwhile other workers raise ``--load`` alarms per second
  (default 5), each sending SMS to 3 responders through the same slow
  provider: the worker has a steady backlog of deliveries.

Reported per scenario: due → escalation step committed and published
(``AlarmStep``; the live streams get it then), due → the escalation's SMS
to the tier-2 person handed to the provider (``Delivery.sent_at``, when the
provider answered, minus the transport's ``duration_ms``: what the platform
controls), and, seen from outside, due → the stand-in provider received it
(its k-th message to that number is the k-th escalation). Goals (issue 18),
on both: p99 ≤ 50 ms quiet, ≤ 100 ms loaded.

Also reported: the worker's CPU (% of one core) while idle (``--idle-seconds``,
60 by default, with nothing due, after its start-up settled: 30-s windows of
one idle worker varied by a factor of two) and during the loaded
scenario, its thread count and resident memory, read from
``/proc/<pid>/stat`` and ``/proc/<pid>/status``; goals: idle CPU ≤ 0.5 %,
RSS ≤ 100 MiB. The machine's load average is printed with them: on a shared
machine, read the figures with it.

The bench moves its deadlines with one ``UPDATE`` (not through the actions,
which announce a new deadline themselves), so it announces them as the
actions do: ``wakeup.channel("deadlines").set()`` after the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
GOAL_QUIET_MS = 50
GOAL_LOADED_MS = 100
GOAL_IDLE_CPU_PERCENT = 0.5
GOAL_RSS_MIB = 100
# After the worker's first beat, before the idle measure: its lanes resting
# long make their first run 5 s after a start (core/worker.py).
SETTLE_SECONDS = 8
SPACING = 0.15
TIER1_DELAY = 60
LOAD_CIRCLE = 3


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers Messages.json like Twilio, after a delay; notes when each message arrived."""

    delay = 0.3
    # Keep-alive, as Twilio's API: the worker's client reuses its connections.
    protocol_version = "HTTP/1.1"
    # (when the request arrived, as a Unix time; the number it was to)
    arrivals: list[tuple[float, str]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        try:
            arrived = time.time()
            form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
            self.arrivals.append((arrived, form.get("To", [""])[0]))
            time.sleep(self.delay)
            body = json.dumps({"sid": f"SM{time.monotonic_ns()}"}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The worker stopped (the end of the run) while waiting for us.
            self.close_connection = True

    def log_message(self, *args):
        pass


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A connection the worker dropped mid-request is the end of a run, not an error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class ProcessUse:
    """CPU time, threads and resident memory of a process, from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        # Fields after the command (which may hold spaces) in parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / self.ticks

    def status(self) -> dict[str, str]:
        rows = Path(f"/proc/{self.pid}/status").read_text().splitlines()
        return dict(row.split(":", 1) for row in rows if ":" in row)

    def threads(self) -> int:
        return int(self.status()["Threads"])

    def rss_mib(self) -> float:
        return int(self.status()["VmRSS"].split()[0]) / 1024

    def measure(self, seconds: float) -> float:
        """Return the CPU used over the next ``seconds``, in % of one core."""
        cpu, wall = self.cpu_seconds(), time.monotonic()
        time.sleep(seconds)
        return self.percent_since(cpu, wall)

    def percent_since(self, cpu: float, wall: float) -> float:
        return 100 * (self.cpu_seconds() - cpu) / (time.monotonic() - wall)


def spread(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):6.1f} ms p99 {percentile(values, 99):6.1f} ms "
        f"max {max(values):6.1f} ms"
    )


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--load", type=float, default=5.0, help="background alarms per second")
    parser.add_argument("--provider-ms", type=int, default=300)
    parser.add_argument(
        "--idle-seconds", type=float, default=60.0, help="how long to measure the idle worker"
    )
    args = parser.parse_args()

    FakeTwilio.delay = args.provider_ms / 1000
    provider = StandInServer(("127.0.0.1", 0), FakeTwilio)
    threading.Thread(target=provider.serve_forever, daemon=True).start()

    sys.path.insert(0, str(ROOT))
    scratch = tempfile.TemporaryDirectory(prefix="umbrella-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        # This process and the worker share one: on SQLite a wake-up
        # reaches the worker through a socket there (core/wakeup.py).
        UMBRELLA_VAR_DIR=str(Path(scratch.name) / "var"),
        SMS_PROVIDER="twilio",
        TWILIO_ACCOUNT_SID="ACbench",
        TWILIO_AUTH_TOKEN="bench",  # noqa: S106 - the stand-in checks nothing
        TWILIO_FROM="+3220000000",
        TWILIO_API_URL=f"http://127.0.0.1:{provider.server_port}/2010-04-01",
        LOG_LEVEL="WARNING",
    )
    if args.database_url:
        from alarm_latency import prepare_postgres  # this folder's: created if missing

        prepare_postgres(args.database_url)
        env["DATABASE_URL"] = os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = os.environ["SQLITE_PATH"] = str(Path(scratch.name) / "bench.sqlite3")
    os.environ["UMBRELLA_VAR_DIR"] = env["UMBRELLA_VAR_DIR"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections
    from django.utils import timezone

    from umbrella.accounts import actions as accounts
    from umbrella.accounts.models import OrganisationKind, Role
    from umbrella.alarms import actions
    from umbrella.core.models import WorkerHeartbeat
    from umbrella.notify.models import ContactKind, ContactPoint

    call_command("migrate", verbosity=0)
    if args.database_url:
        # A PostgreSQL bench database outlives the run: emptied, so earlier runs'
        # alarms neither fall due now nor give the worker's other lanes (the
        # observatory's roll-ups) work during the idle measure.
        call_command("flush", interactive=False, verbosity=0)
    from umbrella.alarms.tests.conftest import accept_everyone

    suffix = str(int(time.time()))
    number = iter(range(10_000_000, 99_999_999))

    def person(name: str, role: str, sms: bool = False):
        user = accounts.create_account(f"bench-{name}-{suffix}", role)
        if sms:
            ContactPoint.objects.create(
                user=user, kind=ContactKind.SMS, value=f"+324{next(number)}", verified=True
            )
        return user

    worker = person("worker", Role.SEX_WORKER)
    person("responder", Role.RESPONDER)
    outreach = person("outreach", Role.SUPPORT_WORKER, sms=True)
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
    # Nobody is told without having accepted her invitation: accept as the tests do.
    accept_everyone(worker, timezone.now())
    # The background load: workers whose alarms text three responders each.
    load_responders = [person(f"load-r{i}", Role.RESPONDER, sms=True) for i in range(LOAD_CIRCLE)]
    load_workers = []
    for i in range(int(args.load * (12 + args.n * SPACING)) + 1 if args.load > 0 else 0):
        load_worker = person(f"load-w{i}", Role.SEX_WORKER)
        actions.set_circle(
            load_worker,
            [actions.TierSpec("people", 3600, [u.username for u in load_responders])],
            timezone.now(),
            police_opt_in=False,
        )
        accept_everyone(load_worker, timezone.now())
        load_workers.append(load_worker)

    proc = subprocess.Popen(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", "worker", "--name", "bench"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = []
    use = ProcessUse(proc.pid)
    figures = {}
    try:
        started = time.monotonic()
        while not WorkerHeartbeat.objects.filter(name="bench").exists():
            if time.monotonic() - started > 30:
                print("the worker did not start within 30 s")
                return 1
            time.sleep(0.05)
        time.sleep(SETTLE_SECONDS)
        close_old_connections()  # this process stays quiet meanwhile
        figures["idle"] = (
            use.measure(args.idle_seconds),
            use.threads(),
            use.rss_mib(),
            load_average(),
        )
        for label, rate in (("quiet", 0.0), (f"loaded, {args.load:g} alarms/s", args.load)):
            if label != "quiet" and rate <= 0:
                continue
            cpu, wall = use.cpu_seconds(), time.monotonic()
            results.append((label, scenario(args.n, worker, outreach, rate, load_workers)))
            figures[label] = (
                use.percent_since(cpu, wall),
                use.threads(),
                use.rss_mib(),
                load_average(),
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        provider.shutdown()

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"== deadline latency — {backend}, one worker process, SMS through a stand-in Twilio "
        f"answering in {args.provider_ms} ms"
    )
    ok = True
    for label, (published, delivered, received, sent_load) in results:
        if len(published) < args.n or len(delivered) < args.n:
            print(f"   {label}: only {len(published)}/{len(delivered)} of {args.n} happened")
            ok = False
            continue
        goal = GOAL_QUIET_MS if label == "quiet" else GOAL_LOADED_MS
        ok = ok and percentile(delivered, 99) <= goal
        print(
            f"   {label:<22} due → published p50 {percentile(published, 50):6.1f} ms "
            f"p99 {percentile(published, 99):6.1f} ms"
            + (f" ({sent_load} background SMS sent meanwhile)" if sent_load else "")
        )
        print(f"   {'':<22} due → SMS handed to the provider {spread(delivered)}")
        if len(received) == len(delivered):
            ok = ok and percentile(received, 99) <= goal
            print(f"   {'':<22} due → the provider received it  {spread(received)}")
        else:
            print(f"   {'':<22} the provider's messages do not match the escalations one to one")
    print(
        f"   goal: due → handed to and received by the provider p99 ≤ {GOAL_QUIET_MS} ms quiet, "
        f"≤ {GOAL_LOADED_MS} ms loaded: {'met' if ok else 'NOT met'}"
    )
    print("   worker process (one core = 100 %):")
    for label, (cpu, threads, rss, load) in figures.items():
        print(
            f"   {label:<22} CPU {cpu:6.2f} % | {threads:3d} threads | RSS {rss:6.1f} MiB "
            f"| load average {load}"
        )
    idle_cpu, _, _, _ = figures.get("idle", (float("inf"), 0, 0, ""))
    rss_max = max((rss for _, _, rss, _ in figures.values()), default=float("inf"))
    use_ok = idle_cpu <= GOAL_IDLE_CPU_PERCENT and rss_max <= GOAL_RSS_MIB
    print(
        f"   goal: idle CPU ≤ {GOAL_IDLE_CPU_PERCENT} % ({args.idle_seconds:g} s with nothing "
        f"due), RSS ≤ {GOAL_RSS_MIB} MiB: {'met' if use_ok else 'NOT met'}"
    )
    return 0 if ok and use_ok else 1


def scenario(n: int, worker, outreach, rate: float, load_workers: list):
    """Schedule n escalations; raise background alarms at ``rate``; return latencies."""
    from django.db import close_old_connections, transaction
    from django.utils import timezone

    from umbrella.alarms import actions
    from umbrella.alarms.models import AlarmStep, Deadline, Source, StepKind
    from umbrella.core import wakeup
    from umbrella.notify.models import ContactPoint, Delivery, DeliveryStatus

    # Create the alarms with their escalations an hour away, then move the
    # deadlines to the near future in one transaction: the latency counts
    # from each due time, not from how long creating N alarms took.
    later = timezone.now() + timedelta(hours=1)
    pks = [
        actions.raise_alarm(worker, Source.APP, later - timedelta(seconds=TIER1_DELAY)).pk
        for _ in range(n)
    ]
    stop_load = threading.Event()
    load_alarms: list[int] = []
    number = ContactPoint.objects.get(user=outreach).value
    arrived_before = len(FakeTwilio.arrivals)

    def load() -> None:
        begin = time.monotonic()
        try:
            for k, load_worker in enumerate(load_workers):
                if stop_load.wait(max(0.0, begin + k / rate - time.monotonic())):
                    return
                load_alarms.append(actions.raise_alarm(load_worker, Source.APP, timezone.now()).pk)
        finally:
            close_old_connections()

    loader = threading.Thread(target=load) if rate > 0 else None
    if loader:
        loader.start()
        time.sleep(2)  # let the backlog of deliveries build up first
    due: dict[int, datetime] = {}
    with transaction.atomic():
        first_due = timezone.now() + timedelta(seconds=1)
        for i, pk in enumerate(pks):
            due[pk] = first_due + timedelta(seconds=i * SPACING)
            Deadline.objects.filter(alarm_id=pk, done_at__isnull=True).update(due_at=due[pk])
        # An UPDATE says nothing to the worker: announce the new due times as
        # the actions announce a new deadline (after the commit).
        wakeup.channel("deadlines").set_on_commit()
    if timezone.now() > first_due:
        print("warning: scheduling took longer than the 1 s head start")

    published: dict[int, float] = {}
    delivered: dict[int, float] = {}
    stop_at = time.monotonic() + 15 + n * SPACING
    while len(delivered) < len(due) and time.monotonic() < stop_at:
        now = timezone.now()
        for alarm_id in (
            AlarmStep.objects.filter(kind=StepKind.ESCALATED, alarm_id__in=due)
            .exclude(alarm_id__in=published)
            .values_list("alarm_id", flat=True)
        ):
            published[alarm_id] = (now - due[alarm_id]).total_seconds() * 1000
        for sent_for, sent_at, duration_ms in Delivery.objects.filter(
            event__alarm_id__in=due,
            event__event_type="alarm.escalated",
            recipient=outreach,
            status=DeliveryStatus.SENT,
        ).values_list("event__alarm_id", "sent_at", "duration_ms"):
            if sent_for is None or sent_at is None or duration_ms is None:
                continue  # the filter keeps sent ones, which have all three
            # Handed to the provider = accepted minus the provider's own time.
            handed = sent_at - timedelta(milliseconds=duration_ms)
            delivered.setdefault(sent_for, (handed - due[sent_for]).total_seconds() * 1000)
        time.sleep(0.005)
    stop_load.set()
    if loader:
        loader.join()
    sent_load = Delivery.objects.filter(
        event__alarm_id__in=load_alarms, status=DeliveryStatus.SENT
    ).count()
    # Seen from the provider: its k-th message to the tier-2 person is the k-th
    # escalation (steps are taken, and their SMS sent, in the order they fall due).
    arrived = sorted(at for at, to in FakeTwilio.arrivals[arrived_before:] if to == number)
    received = (
        [
            (at - moment.timestamp()) * 1000
            for at, moment in zip(arrived, sorted(due.values()), strict=True)
        ]
        if len(arrived) == len(due)
        else []  # a retry, or a message missing: not matched one to one
    )
    return list(published.values()), list(delivered.values()), received, sent_load


if __name__ == "__main__":
    sys.exit(main())
