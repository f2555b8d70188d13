"""Both toilet importers on small fixture files: mapping, idempotency, bad rows, areas."""

from datetime import date, time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from umbrella.directory.importers import ImportFileError, import_toilets
from umbrella.directory.importers.hours import (
    UnreadableHours,
    parse_brussels_opening_hours,
    parse_osm_opening_hours,
)
from umbrella.directory.models import (
    ChangeLogEntry,
    Facility,
    FacilityKind,
    Manager,
    OperatingStatus,
    TriState,
)
from umbrella.directory.queries import find_places

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def _facility(source, source_id) -> Facility:
    return Facility.objects.select_related("location__municipality", "location__police_zone").get(
        source=source, source_id=source_id
    )


def _hours(facility):
    return [
        (r.weekday, r.opens_at, r.closes_at)
        for r in facility.regularschedules.order_by("weekday", "opens_at")
    ]


# -- opening hours -----------------------------------------------------------------


def test_osm_simple_forms_are_read():
    assert parse_osm_opening_hours("24/7") == [(d, time(0), time(0)) for d in range(7)]
    assert parse_osm_opening_hours("Mo-Fr 08:00-20:00; Sa,Su 10:00-18:00") == [
        *((d, time(8), time(20)) for d in range(5)),
        (5, time(10), time(18)),
        (6, time(10), time(18)),
    ]
    # A night that crosses midnight stays one row closing "before" it opens.
    assert parse_osm_opening_hours("Mo-Su 06:00-01:00") == [(d, time(6), time(1)) for d in range(7)]
    assert parse_osm_opening_hours("Mo-Fr 08:00-12:00,13:00-17:00; Fr off")[-1] == (
        3,
        time(13),
        time(17),
    )
    assert parse_osm_opening_hours("Sa-Mo 10:00-24:00") == [
        (0, time(10), time(0)),
        (5, time(10), time(0)),
        (6, time(10), time(0)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mo-Fr 09:00-18:00; PH off",
        "sunrise-sunset",
        "Jan-Mar Mo 10:00-12:00",
        "Mo-Fr 25:00-26:00",
        "Mo-Fr",
        "by appointment",
    ],
)
def test_osm_other_forms_are_not_guessed(text):
    with pytest.raises(UnreadableHours):
        parse_osm_opening_hours(text)


def test_brussels_forms_are_read_in_french_and_dutch():
    assert parse_brussels_opening_hours("24/24") == [(d, time(0), time(0)) for d in range(7)]
    assert parse_brussels_opening_hours("Lu-ve/Ma-vr 10:00-18:00, WE 10:00-20:00") == [
        *((d, time(10), time(18)) for d in range(5)),
        (5, time(10), time(20)),
        (6, time(10), time(20)),
    ]
    assert parse_brussels_opening_hours("Za-zo 10h00-18h00") == [
        (5, time(10), time(18)),
        (6, time(10), time(18)),
    ]
    # "ma-ve" is Tuesday–Friday in French, but "ve" is no Dutch day: French it is.
    assert [d for d, _o, _c in parse_brussels_opening_hours("ma-ve 10:00-12:00")] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "text", ["?", "Selon la saison", "10:00-18:00", "ma 10:00-12:00", "Lu-ve/Ma-za 10:00-18:00"]
)
def test_brussels_ambiguous_or_other_forms_are_not_guessed(text):
    # "ma" alone is Tuesday (fr) or Monday (nl); a bare range names no days.
    with pytest.raises(UnreadableHours):
        parse_brussels_opening_hours(text)


# -- OpenStreetMap -----------------------------------------------------------------


def test_osm_import_maps_tags_and_stamps_areas(brussels):
    progress = StringIO()
    report = import_toilets(FIXTURES / "osm_toilets.json", progress_stream=progress)
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    assert [(p.row, p.source_id) for p in report.bad] == [
        (4, "node/104"),
        (5, "node/105"),
        (8, "node/108"),
    ]
    reasons = [p.reason for p in report.bad]
    assert reasons[0] == "no coordinates"
    assert reasons[1].startswith("outside the 19 municipalities")
    assert "amenity=toilets" in reasons[2]
    assert "8/8" in progress.getvalue()

    josse = _facility("osm", "node/101")
    assert josse.location.municipality.nis_code == "21014"
    assert josse.location.police_zone.code == "5344"
    assert josse.location.neighbourhood is not None
    assert (josse.free, josse.all_gender, josse.usable_by_women, josse.baby_change) == (
        TriState.YES,
        TriState.YES,
        TriState.YES,
        TriState.NO,
    )
    assert josse.location.wheelchair_accessible == TriState.YES
    assert josse.manager == Manager.MUNICIPALITY
    assert josse.last_verified_on == date(2026, 9, 15)
    assert josse.to_verify is False
    assert _hours(josse) == [(d, time(0), time(0)) for d in range(7)]

    north = _facility("osm", "node/102")
    assert north.free == TriState.NO
    assert north.manager == Manager.SNCB
    assert north.usable_by_women == TriState.YES
    assert north.all_gender == TriState.UNKNOWN  # no unisex tag: not known, not "no"
    assert north.location.name_fr == "Gare du Nord"
    assert north.location.name_nl == "Noordstation"

    urinal = _facility("osm", "node/103")
    assert urinal.kind == FacilityKind.URINAL
    assert urinal.urinal_only == TriState.YES
    assert _hours(urinal)[0] == (0, time(6), time(1))

    unread = _facility("osm", "node/106")
    assert unread.to_verify is True
    assert _hours(unread) == []
    assert "PH off" in unread.location.description_fr
    assert [w.source_id for w in report.warnings] == ["node/106"]

    bare = _facility("osm", "way/107")
    assert bare.location.municipality.nis_code == "21016"  # Uccle
    assert {bare.free, bare.all_gender, bare.baby_change, bare.location.wheelchair_accessible} == {
        TriState.UNKNOWN
    }
    assert bare.to_verify is True  # no hours given


def test_osm_reimport_is_idempotent_and_updates_the_changed_field(brussels):
    import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    logged = ChangeLogEntry.objects.order_by("pk").last().pk
    again = import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    assert (again.created, again.updated, again.unchanged, len(again.bad)) == (0, 0, 5, 3)
    logged = ChangeLogEntry.objects.count()

    changed = import_toilets(FIXTURES / "osm_toilets_changed.json", progress_stream=StringIO())
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert Facility.objects.filter(source="osm").count() == 5
    assert _facility("osm", "node/102").free == TriState.YES
    entry = ChangeLogEntry.objects.filter(field="free").latest("pk")
    assert (entry.old_value, entry.new_value) == ("no", "yes")
    assert ChangeLogEntry.objects.count() == logged + 1


def test_imported_toilets_reach_the_places_search(brussels):
    import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    found = find_places("toilet", lat=50.8531, lon=4.3691, free=True)
    assert found[0].place.id == f"toilet-{_facility('osm', 'node/101').pk}"


# -- City of Brussels open data --------------------------------------------------------


def test_brussels_export_maps_fields(brussels):
    report = import_toilets(FIXTURES / "brussels_toilets.json", progress_stream=StringIO())
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert [(p.row, p.source_id, p.reason.split(" (")[0]) for p in report.bad] == [
        (3, "3", "no coordinates"),
        (4, "4", "outside the 19 municipalities of Brussels"),
        (6, "", "no objectid"),
    ]
    grand_place = _facility("brussels-opendata", "toilet/1")
    assert grand_place.free == TriState.YES
    assert grand_place.location.wheelchair_accessible == TriState.YES
    assert grand_place.manager == Manager.MUNICIPALITY
    assert grand_place.location.municipality.nis_code == "21004"
    assert grand_place.location.name_fr == "Grand-Place (Maison du Roi)"
    assert len(_hours(grand_place)) == 7

    bourse = _facility("brussels-opendata", "toilet/2")
    assert bourse.free == TriState.NO
    assert bourse.location.wheelchair_accessible == TriState.NO
    assert _hours(bourse)[5] == (5, time(10), time(20))

    park = _facility("brussels-opendata", "toilet/5")
    assert park.status == OperatingStatus.TEMPORARILY_CLOSED
    assert park.manager == Manager.BRUSSELS_ENVIRONMENT
    assert park.to_verify is True
    assert "Selon la saison" in park.location.description_nl
    assert [w.source_id for w in report.warnings] == ["5"]


def test_brussels_reimport_in_the_api_shape_updates_one_field(brussels):
    import_toilets(FIXTURES / "brussels_toilets.json", progress_stream=StringIO())
    report = import_toilets(FIXTURES / "brussels_toilets_changed.json", progress_stream=StringIO())
    assert (report.created, report.updated, report.unchanged, report.bad) == (0, 1, 1, [])
    assert _facility("brussels-opendata", "toilet/2").free == TriState.YES


def test_brussels_urinals_v1_shape(brussels):
    report = import_toilets(FIXTURES / "brussels_urinals.json", progress_stream=StringIO())
    assert report.created == 1
    assert [(p.source_id, p.reason.split(" (")[0]) for p in report.bad] == [
        ("2", "coordinates are not numbers")
    ]
    urinal = _facility("brussels-opendata", "urinal/1")
    assert urinal.kind == FacilityKind.URINAL
    assert urinal.urinal_only == TriState.YES
    assert urinal.last_verified_on == date(2026, 10, 2)
    assert urinal.location.name_nl == "Kolenmarkt"


# -- the command -------------------------------------------------------------------


def test_command_reports_bad_rows_and_a_summary(brussels):
    out, err = StringIO(), StringIO()
    call_command("import_toilets", str(FIXTURES / "osm_toilets.json"), stdout=out, stderr=err)
    assert "5 created, 0 updated, 0 unchanged, 3 bad" in out.getvalue()
    assert "Skipped row 4 (node/104): no coordinates" in err.getvalue()
    assert "Imported row 6 (node/106)" in err.getvalue()
    out = StringIO()
    call_command(
        "import_toilets",
        str(FIXTURES / "osm_toilets.json"),
        "--format",
        "osm",
        stdout=out,
        stderr=StringIO(),
    )
    assert "0 created, 0 updated, 5 unchanged, 3 bad" in out.getvalue()


def test_command_refuses_unreadable_files(brussels, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_toilets", str(broken), stdout=StringIO(), stderr=StringIO())
    shape = tmp_path / "shape.json"
    shape.write_text('{"elements": 3}')
    with pytest.raises(CommandError, match="Overpass"):
        call_command("import_toilets", str(shape), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(ImportFileError):
        import_toilets(FIXTURES / "osm_toilets.json", "csv")


# -- rows of unexpected shape --------------------------------------------------------


def test_osm_rows_of_unexpected_shape_are_reported_and_the_import_goes_on(brussels):
    report = import_toilets(FIXTURES / "osm_toilets_odd.json", progress_stream=StringIO())
    assert report.created == 2
    assert {
        _facility("osm", "node/201").location.name_fr,
        _facility("osm", "node/206").location.name_fr,
    } == {
        "Before the odd rows",
        "After the odd rows",
    }
    bad = {p.row: p for p in report.bad}
    assert sorted(bad) == [2, 3, 4, 5]
    assert bad[2].source_id == "node/202" and "AttributeError" in bad[2].reason
    assert bad[3].source_id == "way/203" and bad[3].reason.startswith("coordinates are not")
    assert bad[4].source_id == "node/204" and "TypeError" in bad[4].reason
    assert bad[5].reason == "source id longer than 100 characters (205)"
    assert bad[5].source_id.startswith("node/999") and len(bad[5].source_id) <= 60
    assert Facility.objects.filter(source="osm").count() == 2


def test_brussels_rows_of_unexpected_shape_are_reported_and_the_import_goes_on(brussels):
    report = import_toilets(FIXTURES / "brussels_toilets_odd.json", progress_stream=StringIO())
    assert report.created == 2
    assert _facility("brussels-opendata", "toilet/16").location.name_fr == (
        "Après les lignes bizarres"
    )
    bad = {p.row: p for p in report.bad}
    assert sorted(bad) == [2, 3, 4, 5]
    assert bad[2].source_id == "12" and "IndexError" in bad[2].reason
    assert bad[3].source_id == "13" and "ValueError" in bad[3].reason
    assert bad[4].reason.startswith("source id longer than 100 characters")
    assert bad[5].source_id == "15" and bad[5].reason.startswith("coordinates are not numbers")
    out, err = StringIO(), StringIO()
    call_command(
        "import_toilets", str(FIXTURES / "brussels_toilets_odd.json"), stdout=out, stderr=err
    )
    assert "0 created, 0 updated, 2 unchanged, 4 bad" in out.getvalue()
    assert "Skipped row 2 (12): unexpected value (IndexError" in err.getvalue()


def test_a_row_the_database_refuses_is_undone_alone_and_reported(brussels, monkeypatch):
    from django.db import IntegrityError

    from umbrella.directory.importers import common

    real_upsert = common.upsert_toilet

    def refusing(record):
        outcome = real_upsert(record)
        if record.source_id == "node/102":
            raise IntegrityError("duplicate key value violates unique constraint")
        return outcome

    monkeypatch.setattr(common, "upsert_toilet", refusing)
    report = import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    assert report.created == 4
    refused = next(p for p in report.bad if p.source_id == "node/102")
    assert refused.row == 2
    assert refused.reason.startswith("refused by the database (IntegrityError")
    # Its writes were rolled back with its savepoint; the rows after it were imported.
    assert not Facility.objects.filter(source="osm", source_id="node/102").exists()
    assert not ChangeLogEntry.objects.filter(new_value="Noordstation").exists()
    assert Facility.objects.filter(source="osm", source_id="node/103").exists()


def test_a_reimport_keeps_a_more_recent_check_by_staff(brussels, personas):
    from umbrella.directory import actions

    import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    # Hours kept as text, no date from the source: staff checked it on 1 December.
    unread = _facility("osm", "node/106")
    assert unread.to_verify is True and unread.last_verified_on is None
    actions.mark_verified(unread, personas.admin, date(2026, 12, 1))
    # The source checked this one on 15 September, after the staff's check in August.
    josse = _facility("osm", "node/101")
    actions.mark_verified(josse, personas.admin, date(2026, 8, 1))

    logged = ChangeLogEntry.objects.order_by("pk").last().pk
    again = import_toilets(FIXTURES / "osm_toilets.json", progress_stream=StringIO())
    assert (again.created, again.updated, again.unchanged) == (0, 1, 4)
    unread.refresh_from_db()
    assert (unread.to_verify, unread.last_verified_on) == (False, date(2026, 12, 1))
    josse.refresh_from_db()
    assert (josse.to_verify, josse.last_verified_on) == (False, date(2026, 9, 15))
    # The re-import wrote one change: the source's newer date over the older check.
    assert list(ChangeLogEntry.objects.filter(pk__gt=logged).values_list("field", "new_value")) == [
        ("last_verified_on", "2026-09-15")
    ]
