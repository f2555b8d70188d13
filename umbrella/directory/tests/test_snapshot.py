"""Each process's snapshot follows the directory's revision, also for other processes' writes."""

import pytest

from umbrella.directory import snapshot
from umbrella.directory.models import DirectoryRevision, Location
from umbrella.directory.queries import find_places
from umbrella.directory.revision import bump_revision
from umbrella.directory.tests import factories

pytestmark = pytest.mark.django_db


def test_a_write_elsewhere_shows_after_the_revision_check(monkeypatch):
    factories.toilet()
    assert len(find_places("toilet")) == 1
    # Another process renames the place: rows and counter change, but this
    # process hears no signal.
    location = Location.objects.get()
    Location.objects.filter(pk=location.pk).update(name_en="Renamed elsewhere")
    DirectoryRevision.objects.update(value=DirectoryRevision.objects.get().value + 1)
    [found] = find_places("toilet")
    assert found.feature("en", None)["properties"]["name"] != "Renamed elsewhere"
    # Once the check is due (a second later), the snapshot is rebuilt.
    monkeypatch.setattr(snapshot, "REVISION_TTL_SECONDS", 0.0)
    [found] = find_places("toilet")
    assert found.feature("en", None)["properties"]["name"] == "Renamed elsewhere"


def test_bulk_writes_call_bump_revision():
    factories.toilet()
    before = find_places("toilet")
    Location.objects.update(name_en="Bulk")
    bump_revision()
    [after] = find_places("toilet")
    assert before[0].place is not after.place
    assert after.feature("en", None)["properties"]["name"] == "Bulk"
