"""Seeds that run once: a ledger of what each seed placed, and the registry ``deploy`` runs.

A seed is the reference content an app ships (the directory's organisations,
the reports routing matrix, the tracker's recommendations, the course).
Staff then own those rows: they rename, correct and delete them. So a seed
must never put a row back, and must never match a row by a name people can
edit (matching services by name re-created every renamed one).

Each seed keeps a ledger (``SeedKey``): every row it placed is recorded under
the seed's own stable key for it ("service:alias:medical_care"). A key in the
ledger is never created again, whatever became of the row. A new seed version
(``SeedRun`` marks each version applied) therefore adds only the keys that are
new to it.

An install seeded before the ledger existed has the rows but no keys: on its
first run a seed *adopts* what is there (records every key, creates nothing),
since anything missing then was removed by staff.

Apps declare their seeds in a ``seeds`` module with ``@register_seed``;
``manage.py deploy`` discovers them and runs those whose version has not run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from umbrella.core.models import SeedKey, SeedRun

T = TypeVar("T")


class Ledger:
    """What one seed has placed: create a row only for a key it has never seen."""

    def __init__(self, seed: str, *, adopt_if: Callable[[], bool] | None = None):
        self.seed = seed
        self.known = set(SeedKey.objects.filter(seed=seed).values_list("key", flat=True))
        has_history = bool(self.known) or SeedRun.objects.filter(name=seed).exists()
        # Rows without a ledger were seeded by an older version: adopt them.
        self.adopting = not has_history and adopt_if is not None and adopt_if()
        self.created: list[str] = []
        self.existing: list[str] = []

    def ensure(self, key: str, find: Callable[..., T | None], create: Callable[..., T]) -> T | None:
        """Return the row of ``key``, creating it only if the seed never placed it.

        ``find`` looks the row up by something staff do not edit (a slug, a
        code, a parent and a category); ``None`` comes back for a row that
        was placed once and is gone (it stays gone). A row found but never
        recorded (made by hand, or by an older seed) is adopted as it is.

        ``find`` and ``create`` are called without arguments; seeds pass lambdas
        that bind their loop's values as defaults (``lambda code=code: …``),
        which mypy infers only against ``Callable[..., T]``.
        """
        row = find()
        if key not in self.known:
            self.mark(key)
            if row is None and not self.adopting:
                self.created.append(key)
                return create()
        if row is not None:
            self.existing.append(key)
        return row

    def mark(self, key: str) -> None:
        """Record ``key`` as placed: it is never created again."""
        SeedKey.objects.create(seed=self.seed, key=key, recorded_at=timezone.now())
        self.known.add(key)


@dataclass(frozen=True)
class Seed:
    name: str
    version: str
    run: Callable[[], str]
    after: tuple[str, ...] = field(default=())


_SEEDS: dict[str, Seed] = {}


def register_seed(name: str, *, version: str, after: tuple[str, ...] = ()):
    """Register ``func`` (no arguments; returns a one-line summary) as seed ``name``.

    Raise the version when the seed gains rows; ``deploy`` runs each version
    once, and the ledger lets the new version add only its new keys.
    """

    def register(func: Callable[[], str]) -> Callable[[], str]:
        _SEEDS[name] = Seed(name=name, version=str(version), run=func, after=tuple(after))
        return func

    return register


def registered_seeds() -> list[Seed]:
    """Return every app's seeds, each after the seeds it names in ``after``."""
    autodiscover_modules("seeds")
    ordered: list[Seed] = []
    placed: set[str] = set()

    def place(seed: Seed, path: tuple[str, ...] = ()) -> None:
        if seed.name in placed:
            return
        if seed.name in path:
            raise ValueError(f"seeds depend on each other in a circle: {path + (seed.name,)}")
        for name in seed.after:
            if name not in _SEEDS:
                raise LookupError(f"seed {seed.name!r} runs after {name!r}, which is not a seed")
            place(_SEEDS[name], path + (seed.name,))
        placed.add(seed.name)
        ordered.append(seed)

    for name in sorted(_SEEDS):
        place(_SEEDS[name])
    return ordered


def has_run(seed: Seed) -> bool:
    return SeedRun.objects.filter(name=seed.name, version=seed.version).exists()


@transaction.atomic
def apply(seed: Seed) -> str:
    """Run ``seed`` and mark its version applied; return its summary."""
    summary = seed.run()
    SeedRun.objects.get_or_create(
        name=seed.name, version=seed.version, defaults={"applied_at": timezone.now()}
    )
    return summary
