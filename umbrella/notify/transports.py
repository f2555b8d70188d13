"""One transport per channel, each with one ``send(delivery)`` (healthchecks' transports).

A transport returns the status the attempt earned (``sent``, or ``console``
when a console provider only logged it) and raises ``DeliveryError`` otherwise. The
texts never carry the worker's location, note or name: SMS and e-mail pass
through operators and mailboxes outside Umbrella. They say an alarm needs
the person and link to the console, in the recipient's language.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from umbrella.core import outbound
from umbrella.notify import conf
from umbrella.notify.links import page_path
from umbrella.notify.mail import is_console_backend
from umbrella.notify.models import (
    Channel,
    ContactKind,
    ContactPoint,
    Delivery,
    DeliveryStatus,
    EventType,
)
from umbrella.notify.providers import ProviderError, get_provider
from umbrella.notify.vapid import vapid_signer
from umbrella.notify.webpush import PushRefused, webpush

logger = logging.getLogger(__name__)

PUSH_TTL_SECONDS = 15 * 60  # an alarm push older than this is noise, not help
PUSH_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The attempt failed. ``permanent``: do not retry; ``gone``: the target no longer exists."""

    def __init__(self, message: str, *, permanent: bool = False, gone: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or gone
        self.gone = gone


def console_url(language: str) -> str:
    """Return the absolute link to the responder console in ``language``."""
    with translation.override(language):
        return f"{conf.site_url()}{page_path('alarms:console')}"


def checkin_url(language: str) -> str:
    """Return the absolute link to the worker's check-in screen in ``language``."""
    with translation.override(language):
        return f"{conf.site_url()}{page_path('alarms:checkin')}"


def _clock(value: str | None, language: str) -> str:
    """Return an ISO timestamp as HH:MM in the site's time zone ("" if absent)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    with translation.override(language):
        return date_format(timezone.localtime(moment), "H:i")


def _texts(event_type: str, language: str, payload: dict | None = None) -> tuple[str, str]:
    """Return (title, sentence) for an event, in ``language``. No personal detail."""
    payload = payload or {}
    with translation.override(language):
        if event_type == EventType.CHECKIN_REMINDER:
            # On her lock screen, maybe in sight of a client: no word of alarms or
            # circles, and no app name (her phone shows the name she chose for it).
            return "Umbrella", _("Your timer has ended. Open the app before %(time)s.") % {
                "time": _clock(payload.get("expires_at"), language)
            }
        if event_type == EventType.RESOLVED and payload.get("safe_by_owner"):
            return _("She is safe"), _("She says she is safe. The alarm is over.")
        if event_type == EventType.ACKNOWLEDGED:
            return _("Alarm taken"), _("A responder has taken an alarm you were told about.")
        if event_type in (EventType.RESOLVED, EventType.CANCELLED):
            return _("Alarm over"), _("An alarm you were told about is over.")
        return _("Alarm"), _("An alarm needs you. Open Umbrella now.")


def message_text(event_type: str, language: str, payload: dict | None = None) -> str:
    """Return the SMS / e-mail body: one sentence and the console link."""
    _title, sentence = _texts(event_type, language, payload)
    with translation.override(language):
        return _("Umbrella: %(sentence)s %(url)s") % {
            "sentence": sentence,
            "url": console_url(language),
        }


def _post_push(endpoint: str, *, content: bytes, headers: dict, timeout: float) -> int:
    """Post a push message through ``core.outbound``; return the answer's status.

    So a push service is reached only when its host is one of
    ``PUSH_SERVICE_HOSTS`` and resolves to public addresses only, at the
    address that was checked, without following redirects.
    """
    response = outbound.request(
        "POST",
        endpoint,
        hosts=settings.PUSH_SERVICE_HOSTS,
        content=content,
        headers=headers,
        timeout=timeout,
    )
    return response.status_code


class WebPushTransport:
    def send(self, delivery: Delivery) -> None:
        subscription = delivery.push_subscription
        if subscription is None:
            raise DeliveryError("the push subscription was removed", permanent=True)
        event = delivery.event
        title, body = _texts(event.event_type, subscription.language, event.payload)
        reminder = event.event_type == EventType.CHECKIN_REMINDER
        alarm = event.payload.get("alarm", {})
        data = {
            "type": event.event_type,
            "event_id": event.id,
            "alarm": {"id": event.alarm_id, "status": alarm.get("status")},
            "tier": event.tier,
            "title": title,
            "body": body,
            "url": (checkin_url if reminder else console_url)(subscription.language),
        }
        try:
            webpush(
                subscription.subscription_info(),
                data=json.dumps(data),
                vapid_private_key=vapid_signer(),
                vapid_claims={"sub": conf.vapid_subject()},
                ttl=PUSH_TTL_SECONDS,
                timeout=PUSH_TIMEOUT_SECONDS,
                # High urgency wakes a sleeping phone for the message.
                headers={"Urgency": "high"},
                post=_post_push,
            )
        except PushRefused as exc:
            status = exc.status
            # 404/410: the browser unsubscribed or the subscription expired.
            gone = status in (404, 410)
            # A 3xx is not followed (it would lead anywhere): it fails like a refusal.
            permanent = status in (400, 403, 413) or 300 <= status < 400
            # The status only: an answer's body is whatever its sender likes.
            raise DeliveryError(
                f"push service answered {status}", permanent=permanent, gone=gone
            ) from exc
        except outbound.OutboundRefused as exc:
            raise DeliveryError(f"not sent: {exc}", permanent=True) from exc
        except Exception as exc:  # network errors from httpx, bad keys …
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def _provider_status(provider) -> DeliveryStatus:
    # A console provider sends nothing: the row must not say "sent".
    return DeliveryStatus.CONSOLE if getattr(provider, "console", False) else DeliveryStatus.SENT


class SmsTransport:
    def send(self, delivery: Delivery) -> DeliveryStatus:
        point = _contact_point(delivery)
        provider = get_provider()
        try:
            provider.send_sms(
                point.value,
                message_text(delivery.event.event_type, point.language, delivery.event.payload),
            )
        except ProviderError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent) from exc
        return _provider_status(provider)


class VoiceTransport:
    def send(self, delivery: Delivery) -> DeliveryStatus:
        point = _contact_point(delivery)
        _title, sentence = _texts(delivery.event.event_type, point.language, delivery.event.payload)
        provider = get_provider()
        try:
            provider.call(point.value, sentence, point.language)
        except ProviderError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent) from exc
        return _provider_status(provider)


class EmailTransport:
    def send(self, delivery: Delivery) -> DeliveryStatus:
        point = _contact_point(delivery)
        event = delivery.event
        title, _sentence = _texts(event.event_type, point.language, event.payload)
        try:
            send_mail(
                f"Umbrella: {title}",
                message_text(event.event_type, point.language, event.payload),
                settings.DEFAULT_FROM_EMAIL,
                [point.value],
            )
        except Exception as exc:  # SMTP errors are many classes; all are retried
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return DeliveryStatus.CONSOLE if is_console_backend() else DeliveryStatus.SENT


def _contact_point(delivery: Delivery) -> ContactPoint:
    point = delivery.contact_point
    if point is None or point.value is None:
        raise DeliveryError("the contact point was removed or cannot be read", permanent=True)
    return point


# Keyed by the channel's value, as a delivery stores it.
TRANSPORTS: dict[str, type[WebPushTransport | SmsTransport | VoiceTransport | EmailTransport]] = {
    Channel.WEBPUSH: WebPushTransport,
    Channel.SMS: SmsTransport,
    Channel.VOICE: VoiceTransport,
    Channel.EMAIL: EmailTransport,
}


def transport_for(channel: str):
    return TRANSPORTS[channel]()


def send_verification_code(point_id: int, code: str) -> None:
    """Send a contact point its verification code (called after commit)."""
    point = ContactPoint.objects.filter(pk=point_id).first()
    if point is None:
        return
    with translation.override(point.language):
        # Neutral: the number may not be hers. It names no alarm and no person,
        # and nothing more is ever sent to a number whose code is not entered.
        text = _(
            "Umbrella: someone asked to receive safety alerts at this number. If it was not "
            "you, ignore this message: nothing more will be sent. To agree, enter this code "
            "in Umbrella: %(code)s."
        ) % {"code": code}
        try:
            if point.kind == ContactKind.EMAIL:
                send_mail(
                    _("Umbrella verification code"),
                    text,
                    settings.DEFAULT_FROM_EMAIL,
                    [point.value],
                )
            elif point.kind == ContactKind.VOICE:
                get_provider().call(point.value, text, point.language)
            else:
                get_provider().send_sms(point.value, text)
        except Exception:
            # The person sees no code arrive and can ask again; nothing else to do.
            logger.exception("verification code for contact point %s not sent", point_id)
