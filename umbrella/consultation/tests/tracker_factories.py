"""Small factories for the tracker tests."""

from __future__ import annotations

from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Role
from umbrella.consultation.models import Recommendation, TrackerStatus

_counter = {"n": 0}


def recommendation(
    title: str = "",
    *,
    parent: Recommendation | None = None,
    weight: int = 1,
    status: str = TrackerStatus.NOT_STARTED,
    progress: int = 0,
    slug: str | None = None,
) -> Recommendation:
    _counter["n"] += 1
    n = _counter["n"]
    return Recommendation.objects.create(
        slug=slug or f"rec-{n}",
        number=str(n),
        position=n,
        parent=parent,
        weight=weight,
        title_en=title or f"Recommendation {n}",
        title_nl=f"Aanbeveling {n}",
        title_fr=f"Recommandation {n}",
        status=status,
        progress=progress,
        updated_at=timezone.now(),
    )


def secretary(username: str = "secretary"):
    from umbrella.testing import _persona_password_hash

    return accounts_actions.create_account(
        username, Role.PLATFORM_SECRETARY, password_hash=_persona_password_hash()
    )
