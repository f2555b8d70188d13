"""The live indicators the landed apps give, computed from real rows."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from umbrella.alarms.models import Alarm, Source, Status
from umbrella.areas.models import PoliceZone
from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.consultation.tracker.queries import FigureCache, compute
from umbrella.core import indicators as registry
from umbrella.directory.models import FacilityKind, OperatingStatus, TraffickingReference
from umbrella.directory.tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 12, 10, 30, tzinfo=ZoneInfo("Europe/Brussels"))

ZONES = "directory.zones_with_trafficking_reference"
TOILETS = "directory.toilets_in_visible_sex_work_neighbourhoods"
ACK = "alarms.acknowledged_within_60s"


def test_the_landed_apps_register_their_indicators():
    for key in (ZONES, TOILETS, ACK):
        assert registry.get(key) is not None, key


def test_zones_with_a_designated_reference_count_n_of_six_without_demo_entries():
    for code, demo in (("5339", False), ("5344", False), ("5341", True)):
        TraffickingReference.objects.create(
            police_zone=PoliceZone.objects.get(code=code), function_en="Reference", is_demo=demo
        )
    figure = compute(ZONES, NOW).figure
    assert (figure.value, figure.denominator, figure.unit) == (2, 6, "count")
    assert figure.as_of == NOW
    assert "1" in figure.note


def test_no_zone_designated_is_zero_of_six():
    figure = compute(ZONES, NOW).figure
    assert (figure.value, figure.denominator) == (0, 6)


def test_toilets_are_counted_in_the_neighbourhoods_where_sex_work_is_visible():
    counted = [
        factories.NORTH_STATION,  # 21 QUARTIER NORD
        (50.8645, 4.3640),  # 22 QUARTIER BRABANT (rue d'Aerschot)
        (50.8545, 4.3540),  # 3 BEGUINAGE - DIXMUDE (Alhambra)
        (50.8320, 4.3600),  # 40 LOUISE - LONGUE HAIE
    ]
    for point in counted:
        factories.toilet(point)
    factories.toilet(factories.GRAND_PLACE)  # 1 GRAND PLACE: elsewhere
    factories.toilet(factories.NORTH_STATION, kind=FacilityKind.URINAL)  # not a toilet
    factories.toilet((50.8320, 4.3600), status=OperatingStatus.TEMPORARILY_CLOSED)
    figure = compute(TOILETS, NOW).figure
    assert figure.value == 4
    assert figure.denominator is None
    assert "North quarter: 2" in figure.note
    assert "Alhambra/Yser: 1" in figure.note
    assert "avenue Louise: 1" in figure.note


def _alarm(raised_ago: timedelta, ack_after: timedelta | None, **fields) -> Alarm:
    raised = NOW - raised_ago
    fields.setdefault("status", Status.ACKNOWLEDGED if ack_after is not None else Status.RAISED)
    return Alarm.objects.create(
        source=Source.APP,
        raised_at=raised,
        acknowledged_at=None if ack_after is None else raised + ack_after,
        **fields,
    )


def test_share_of_alarms_acknowledged_within_60_seconds_over_90_days():
    day = timedelta(days=1)
    for _ in range(5):
        _alarm(day, timedelta(seconds=30))  # fast
        _alarm(2 * day, timedelta(seconds=60))  # fast: exactly 60 s
        _alarm(3 * day, timedelta(seconds=61))  # slow
        _alarm(timedelta(minutes=10), None)  # nobody yet after 10 minutes: slow
    _alarm(day, timedelta(seconds=5), is_test=True)  # a test: left out
    _alarm(day, None, status=Status.CANCELLED)  # cancelled before an answer: left out
    _alarm(100 * day, timedelta(seconds=5))  # older than 90 days: left out
    _alarm(timedelta(seconds=20), None)  # raised 20 s ago: not decided yet
    figure = compute(ACK, NOW).figure
    assert (figure.value, figure.denominator, figure.unit) == (50.0, 20, "percent")
    assert "10 of 20" in figure.note


@pytest.mark.parametrize(("fast", "slow"), [(2, 2), (9, 20), (20, 9), (1, 0), (0, 3)])
def test_a_share_with_fewer_than_ten_on_either_side_is_not_published(fast, slow):
    day = timedelta(days=1)
    for _ in range(fast):
        _alarm(day, timedelta(seconds=30))
    for _ in range(slow):
        _alarm(day, timedelta(seconds=90))
    figure = compute(ACK, NOW).figure
    assert figure.value is None and figure.denominator is None
    # Neither count is given: the note says why nothing is shown.
    assert figure.note.startswith("Not published: too few real alarms")
    assert " of " not in figure.note


def test_all_fast_is_published_from_ten_alarms_on():
    for _ in range(10):
        _alarm(timedelta(days=1), timedelta(seconds=30))
    figure = compute(ACK, NOW).figure
    assert (figure.value, figure.denominator) == (100.0, 10)


def test_no_alarm_gives_no_figure_rather_than_zero():
    figure = compute(ACK, NOW).figure
    assert figure.value is None and figure.denominator == 0


def test_an_unknown_or_failing_indicator_is_not_available(monkeypatch):
    assert compute("nowhere.nothing", NOW).available is False

    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        registry._REGISTRY, "test.broken", registry.Indicator("test.broken", "x", broken)
    )
    assert compute("test.broken", NOW).available is False


def test_each_indicator_is_computed_once_per_request(monkeypatch):
    calls = []

    def counted(now):
        calls.append(now)
        return registry.Figure(value=1)

    monkeypatch.setitem(
        registry._REGISTRY, "test.counted", registry.Indicator("test.counted", "x", counted)
    )
    cache = FigureCache(NOW)
    assert cache.get("test.counted").value == 1
    assert cache.get("test.counted").value == 1
    assert calls == [NOW]
