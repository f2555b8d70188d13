"""The public services whose staff the training is for, seeded idempotently.

Measure 5 of the resolution names the OCMW/CPAS and Actiris. The coverage page
lists every public service with its share of staff trained, so these accounts
organisations exist from ``make setup`` on, with 0 staff until people join:

- the 19 OCMW/CPAS, one per municipality, named as the directory seeds name them
  ("OCMW Anderlecht / CPAS Anderlecht"), with the municipality's NIS code;
- Actiris, once, for the whole region: DOMAIN.md and the directory seeds give no
  Actiris office or address, so none is invented.

Existing organisations are never changed. A directory entry seeded for the same
service (``ocmw-cpas-<nis>``, ``actiris``) that has no editors' organisation yet is
linked to it, so the directory label can follow its staff's certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from umbrella.accounts.models import Organisation, OrganisationKind
from umbrella.areas.models import Municipality

ACTIRIS = "Actiris"


def cpas_name(municipality: Municipality) -> str:
    """Return the OCMW/CPAS's name as the directory seeds write it."""
    return f"OCMW {municipality.name_nl} / CPAS {municipality.name_fr}"


@dataclass
class PublicServiceSeedResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)


def _link_directory_entry(slug: str, organisation: Organisation) -> bool:
    from umbrella.directory.actions import save_entry
    from umbrella.directory.models import Organization

    entry = Organization.objects.filter(slug=slug, accounts_organisation__isnull=True).first()
    if entry is None:
        return False
    entry.accounts_organisation = organisation
    save_entry(entry)
    return True


@transaction.atomic
def load_public_services() -> PublicServiceSeedResult:
    """Create the OCMW/CPAS and Actiris organisations that are missing.

    Raise ``LookupError`` when the geography is not loaded (run ``load_brussels``).
    """
    municipalities = list(Municipality.objects.order_by("nis_code"))
    if len(municipalities) < 19:
        raise LookupError("Load the Brussels geography first: manage.py load_brussels")
    seeds = [(cpas_name(m), m.nis_code, f"ocmw-cpas-{m.nis_code}") for m in municipalities]
    seeds.append((ACTIRIS, "", "actiris"))
    result = PublicServiceSeedResult()
    for name, nis_code, slug in seeds:
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.PUBLIC_SERVICE, "nis_code": nis_code}
        )
        (result.created if created else result.existing).append(name)
        if _link_directory_entry(slug, organisation):
            result.linked.append(name)
    return result
