"""manage.py demo wires demo-worker's circle and a test-mode room button."""

import io

from django.core.management import call_command

from umbrella.accounts.models import User
from umbrella.alarms import actions
from umbrella.alarms.models import Alarm, CircleInvitation, RoomButton, Source, TierKind
from umbrella.alarms.queries import circle_with_tiers
from umbrella.alarms.schemas import circle_out


def run_demo(settings, *args):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo", "--password", "demo-password-123", *args, stdout=out)
    return out.getvalue()


def test_the_demo_circle_escalates_from_responder_to_outreach(settings, db, published):
    output = run_demo(settings, "--escalate-after", "5")
    assert "curl -X POST" in output and "/api/v1/alarms/device/" in output
    worker = User.objects.get(username="demo-worker")
    circle = circle_with_tiers(worker)
    tiers = list(circle.tiers.all())
    assert [(t.kind, t.delay_seconds) for t in tiers][0] == (TierKind.PEOPLE, 5)
    assert tiers[1].kind == TierKind.ORGANISATION_ROTA
    assert not circle.police_opt_in
    # Accepted by the persons themselves, through the invitation actions.
    assert circle_out(circle)["tiers"][0]["people"] == [
        {"name": "demo-responder", "status": "accepted"}
    ]
    assert circle_out(circle)["tiers"][1]["organisation_status"] == "accepted"
    invitation = CircleInvitation.objects.get(owner=worker, organisation=tiers[1].organisation)
    assert invitation.answered_by.username == "demo-outreach"
    alarm = actions.raise_alarm(worker, Source.APP, worker.date_joined)
    assert [User.objects.get(pk=pk).username for pk in published.calls[0]["recipient_ids"]] == [
        "demo-responder"
    ]
    from datetime import timedelta

    actions.process_due_deadline(worker.date_joined + timedelta(seconds=5), worker="t")
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    assert "demo-outreach" in [
        User.objects.get(pk=pk).username for pk in published.calls[-1]["recipient_ids"]
    ]


def test_running_the_demo_twice_keeps_one_test_button(settings, db):
    run_demo(settings)
    output = run_demo(settings)
    active = RoomButton.objects.filter(revoked_at__isnull=True)
    assert active.count() == 1 and active.get().test_mode
    key = output.split("/api/v1/alarms/device/")[1].split()[0]
    assert actions.press_room_button(key, active.get().created_at) is not None
    assert Alarm.objects.get().is_test
