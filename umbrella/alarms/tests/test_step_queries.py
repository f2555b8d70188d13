"""What one escalation step costs the database (issue 18: PostgreSQL's deadline p99).

A regression guard: the counts are those found after the step lost its
savepoints and its second read of the recipients (issue 18); a change that
adds a query to the path from a due time to the provider shows here first.
The guarantees stay: the claim and the step are two transactions, the step
re-reads its deadline under lock and commits before anyone is told.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import AlarmStep, Source, StepKind
from umbrella.alarms.tests.conftest import TIER1_DELAY
from umbrella.notify.models import ContactPoint, Delivery, Event

# (the claim, the step) in statements, transaction control included: the
# test's own transaction turns BEGIN/COMMIT into SAVEPOINT/RELEASE, one
# statement each as in production. PostgreSQL's claim also turns off the
# commit's wait for the disk (SET LOCAL) and locks the row (FOR UPDATE SKIP
# LOCKED), its step takes the event-order lock (pg_advisory_xact_lock);
# SQLite claims with a compare-and-set UPDATE.
QUERIES = {"postgresql": (5, 20), "sqlite": (4, 19)}

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def alarm(personas, circle, t0):
    ContactPoint.objects.create(
        user=personas.outreach, kind="sms", value="+32470000002", verified=True
    )
    return actions.raise_alarm(personas.worker, Source.APP, t0)


def test_one_escalation_step_costs_a_known_number_of_queries(alarm, personas, t0):
    with time_machine.travel(t0 + timedelta(seconds=TIER1_DELAY), tick=False):
        with CaptureQueriesContext(connection) as claim:
            pk = actions.claim_due_deadline(timezone.now(), "test")
        with CaptureQueriesContext(connection) as step:
            assert actions.take_step(pk, "test", timezone.now())
        # Exactly once: the step is done, a second take finds nothing to do.
        assert not actions.take_step(pk, "test", timezone.now())
    assert AlarmStep.objects.filter(alarm=alarm, kind=StepKind.ESCALATED).count() == 1
    event = Event.objects.get(alarm_id=alarm.pk, event_type="alarm.escalated")
    assert Delivery.objects.filter(event=event, recipient=personas.outreach).count() == 1
    found = (len(claim.captured_queries), len(step.captured_queries))
    assert found == QUERIES[connection.vendor], "\n".join(
        q["sql"][:120] for q in claim.captured_queries + step.captured_queries
    )
