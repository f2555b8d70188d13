"""The training seeds: the public services whose staff the training is for, and the courses.

Measure 5 of the resolution names the OCMW/CPAS and Actiris. The coverage page
lists every public service with its share of staff trained, so these accounts
organisations exist from ``make setup`` on, with 0 staff until people join:

- the 19 OCMW/CPAS, one per municipality, named as the directory seeds name them
  ("OCMW Anderlecht / CPAS Anderlecht"), with the municipality's NIS code;
- Actiris, once, for the whole region: docs/domain.md and the directory seeds give no
  Actiris office or address, so none is invented.

Each organisation is placed once (``core/seeding.py``): one staff renamed,
corrected or deleted is never changed or re-created. A directory entry seeded for the same
service (``ocmw-cpas-<nis>``, ``actiris``) that has no editors' organisation yet is
linked to it, so the directory label can follow its staff's certificates.

The shipped courses are a second seed, versioned by their files' content
versions: a course is loaded when it is new, reloaded in place when its files
carry a newer version, and left out when it was deleted.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from umbrella.accounts.models import Organisation, OrganisationKind
from umbrella.areas.models import Municipality
from umbrella.core.seeding import Ledger, register_seed
from umbrella.training.courses.content_loader import (
    CONTENT_DIR,
    LoadResult,
    course_directories,
    load_course,
)
from umbrella.training.models import Course

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


SEED = "training"
# Raise when the public services gain rows: a new version adds only its new keys.
VERSION = "1"


def _seeded_before() -> bool:
    # The old setup created all twenty; the accounts demo makes one OCMW/CPAS
    # of its own, which must not pass for an old seed.
    services = Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE)
    return (
        services.filter(name=ACTIRIS).exists()
        or services.exclude(nis_code="").values("nis_code").distinct().count() >= 10
    )


def _find(nis_code: str, name: str):
    services = Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE)
    # An OCMW/CPAS is known by its municipality, whatever it is called now.
    found = services.filter(nis_code=nis_code).order_by("pk").first() if nis_code else None
    # Names are unique: one staff made by hand under the seed's name is the one.
    return found or Organisation.objects.filter(name=name).first()


@transaction.atomic
def load_public_services() -> PublicServiceSeedResult:
    """Create the OCMW/CPAS and Actiris organisations this seed never placed.

    One it placed before is left as it is (renamed, corrected) or left out
    (deleted). Raise ``LookupError`` when the geography is not loaded (run
    ``load_brussels``).
    """
    municipalities = list(Municipality.objects.order_by("nis_code"))
    if len(municipalities) < 19:
        raise LookupError("Load the Brussels geography first: manage.py load_brussels")
    seeds = [(cpas_name(m), m.nis_code, f"ocmw-cpas-{m.nis_code}") for m in municipalities]
    seeds.append((ACTIRIS, "", "actiris"))
    ledger = Ledger(SEED, adopt_if=_seeded_before)
    result = PublicServiceSeedResult()
    for name, nis_code, slug in seeds:
        key = f"organisation:{slug}"
        organisation = ledger.ensure(
            key,
            lambda nis_code=nis_code, name=name: _find(nis_code, name),
            lambda nis_code=nis_code, name=name: Organisation.objects.create(
                name=name, kind=OrganisationKind.PUBLIC_SERVICE, nis_code=nis_code
            ),
        )
        if organisation is None:
            continue
        (result.created if key in ledger.created else result.existing).append(organisation.name)
        # Linked once: editors staff unlinked later stay unlinked.
        link = f"directory-link:{slug}"
        if link not in ledger.known and _link_directory_entry(slug, organisation):
            ledger.mark(link)
            result.linked.append(organisation.name)
    return result


COURSES_SEED = "training.courses"


def _course_head(directory: Path) -> tuple[str, int]:
    with (directory / "course.toml").open("rb") as file:
        data = tomllib.load(file)
    return data["slug"], data["version"]


def courses_version() -> str:
    """Return the shipped courses' slugs and content versions ("slug@2,…")."""
    return ",".join(
        "{}@{}".format(*_course_head(directory)) for directory in course_directories(CONTENT_DIR)
    )


@dataclass
class CourseSeedResult:
    loaded: list[LoadResult] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


@transaction.atomic
def load_courses() -> CourseSeedResult:
    """Load each shipped course that is new, or whose files carry a newer content version.

    The files own the course text (the admin shows it read-only), so a newer
    version updates the course in place; the same version leaves the rows as
    they are. A course deleted from the database stays deleted. Raise
    ``ContentError`` on a file that does not follow the format.
    """
    # No adoption: the course's rows are found by slug, and a course the
    # demo loaded first must not hide the other shipped ones.
    ledger = Ledger(COURSES_SEED)
    result = CourseSeedResult()
    for directory in course_directories(CONTENT_DIR):
        slug, version = _course_head(directory)
        key = f"course:{slug}"
        course = ledger.ensure(
            key,
            lambda slug=slug: Course.objects.filter(slug=slug).first(),
            lambda directory=directory: load_course(directory).course,
        )
        if course is None:
            result.deleted.append(slug)
        elif key in ledger.created:
            result.loaded.append(LoadResult(course=course, created=[slug]))
        elif course.version < version:
            result.loaded.append(load_course(directory))
        else:
            result.unchanged.append(slug)
    return result


@register_seed(SEED, version=VERSION, after=("areas", "directory"))
def seed_public_services() -> str:
    result = load_public_services()
    return (
        f"Public services: {len(result.created)} created, {len(result.existing)} already "
        f"there (left as they are), {len(result.linked)} directory entries linked."
    )


@register_seed(COURSES_SEED, version=courses_version())
def seed_courses() -> str:
    result = load_courses()
    return (
        f"Courses: {len(result.loaded)} loaded, {len(result.unchanged)} unchanged, "
        f"{len(result.deleted)} deleted by staff (left out)."
    )
