"""A delivery through a console provider is recorded as "console", never as "sent",
and the log gets neither the number nor the text (unless DEBUG is on)."""

import datetime as dt
import logging

import pytest
import time_machine

from umbrella.notify import actions, providers, tasks
from umbrella.notify.models import ContactPoint, Delivery, DeliveryStatus
from umbrella.notify.tests.helpers import alarm_payload

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 22, 0, tzinfo=dt.UTC)
NUMBER = "+32470123456"


class RealProvider:
    """A provider that sends (as Twilio would): its deliveries are "sent"."""

    console = False

    def __init__(self):
        self.sent = []

    def send_sms(self, to, body):
        self.sent.append((to, body))
        return "SM1"

    def call(self, to, text, language):
        self.sent.append((to, text))
        return "CA1"


def alarm_for(worker, responder, kind, value):
    ContactPoint.objects.create(user=responder, kind=kind, value=value, verified=True)
    with time_machine.travel(T0, tick=False):
        actions.publish(
            "alarm.raised", alarm_id=9, owner_id=worker.pk, payload=alarm_payload(9),
            recipient_ids=[responder.pk], tier=1,
        )  # fmt: skip
        tasks.send_due_deliveries(T0)
    return Delivery.objects.get()


@pytest.mark.parametrize("kind", ["sms", "voice"])
def test_a_console_sms_or_call_is_recorded_as_console(worker, responder, kind):
    assert alarm_for(worker, responder, kind, NUMBER).status == DeliveryStatus.CONSOLE


@pytest.mark.parametrize("kind", ["sms", "voice"])
def test_a_real_provider_records_sent(worker, responder, kind, monkeypatch):
    monkeypatch.setattr("umbrella.notify.transports.get_provider", lambda: RealProvider())
    assert alarm_for(worker, responder, kind, NUMBER).status == DeliveryStatus.SENT


def test_a_console_email_is_recorded_as_console(worker, responder, settings):
    settings.EMAIL_BACKEND = "umbrella.notify.mail.ConsoleEmailBackend"
    delivery = alarm_for(worker, responder, "email", "rita@example.org")
    assert delivery.status == DeliveryStatus.CONSOLE


def test_an_email_through_a_real_backend_is_sent(worker, responder, mailoutbox):
    # The test runner's backend (locmem) keeps the message: it was handed over.
    delivery = alarm_for(worker, responder, "email", "rita@example.org")
    assert delivery.status == DeliveryStatus.SENT
    assert len(mailoutbox) == 1


def test_console_is_a_status_of_its_own():
    assert DeliveryStatus.CONSOLE == "console"
    assert DeliveryStatus.CONSOLE != DeliveryStatus.SENT


@pytest.mark.parametrize("debug", [False, True])
def test_the_console_sms_log_masks_the_number_and_shows_the_text_only_with_debug(
    settings, caplog, debug
):
    settings.DEBUG = debug
    with caplog.at_level(logging.INFO):
        providers.ConsoleProvider().send_sms(NUMBER, "Your Umbrella verification code is 845120.")
    text = caplog.text
    assert NUMBER not in text and "470123" not in text
    assert "***56" in text
    assert ("845120" in text) is debug


@pytest.mark.parametrize("debug", [False, True])
def test_the_console_email_log_masks_the_address_and_shows_the_body_only_with_debug(
    settings, caplog, debug
):
    from django.core.mail import send_mail

    settings.DEBUG = debug
    settings.EMAIL_BACKEND = "umbrella.notify.mail.ConsoleEmailBackend"
    with caplog.at_level(logging.INFO):
        send_mail("Is it fixed?", "Open https://u.example/reports/follow-up/K3Y/ now.", None,
                  ["rita@example.org"])  # fmt: skip
    text = caplog.text
    assert "rita@example.org" not in text and "r***@example.org" in text
    assert ("K3Y" in text) is debug
