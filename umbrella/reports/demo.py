"""The reports part of ``manage.py demo``, called by ``umbrella.accounts.demo.create_demo``
inside its transaction with the demo's result (users and organisations).

It seeds the routing matrix (``seeds.load_reports``) and makes the demo
organisations the staff of bodies: the municipality officer
``demo-municipality`` handles reports routed to Saint-Josse-ten-Noode (21014),
the trafficking reference ``demo-police`` those routed to zone 5344, and the
outreach worker ``demo-outreach`` those of Espace P (harassment of sex
workers reaches the outreach teams) and of safe.brussels, the mediating body,
so that the demo has someone to moderate what the guard holds. In a real
deployment each body's own organisation does this.
"""

from __future__ import annotations

from umbrella.accounts.demo import (
    MUNICIPALITY_ORGANISATION,
    OUTREACH_ORGANISATION,
    POLICE_ORGANISATION,
)
from umbrella.areas.actions import load_brussels
from umbrella.areas.models import Municipality
from umbrella.reports.models import Body, BodyKind
from umbrella.reports.seeds import load_reports


def _staff(body: Body, organisation) -> None:
    if organisation is not None and body.organisation_id != organisation.pk:
        body.organisation = organisation
        body.save(update_fields=["organisation"])


def set_up_demo(result) -> None:
    """Create or reset the reports app's demo rows; safe to run again."""
    if Municipality.objects.count() < 19:
        load_brussels()
    load_reports()
    organisations = getattr(result, "organisations", {})
    _staff(
        Body.objects.get(kind=BodyKind.MUNICIPALITY, municipality__nis_code="21014"),
        organisations.get(MUNICIPALITY_ORGANISATION),
    )
    _staff(
        Body.objects.get(kind=BodyKind.POLICE_ZONE, police_zone__code="5344"),
        organisations.get(POLICE_ORGANISATION),
    )
    for code in ("espace-p", "safe-brussels"):
        _staff(Body.objects.get(code=code), organisations.get(OUTREACH_ORGANISATION))
