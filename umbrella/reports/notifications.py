"""Sending notifications to bodies: one transport per channel, each with one ``send()``.

- **e-mail**: a plain-text message through Django's e-mail backend;
- **webhook**: ``POST`` of a JSON document, signed with HMAC-SHA256 over
  ``"<timestamp>.<body>"`` with the contact's secret; headers
  ``X-Umbrella-Timestamp`` (Unix seconds) and
  ``X-Umbrella-Signature: sha256=<hex>``. A receiver recomputes the HMAC,
  compares in constant time and refuses timestamps older than a few minutes;
- **open311**: ``POST <endpoint>/requests.json`` (GeoReport v2, form-encoded,
  with ``api_key``); the endpoint's ``service_request_id`` is kept.

A confidential report never leaves with its text or its point: the message
says a confidential report is waiting and links to the staff page, where
reading it is audited. HTTP goes through ``core.outbound``: https only, to
public addresses only (resolved once, connected to as checked), never
following a redirect; of an error answer only the status code is kept. The
client is a seam that tests replace (``set_http_client``) with an
``httpx.MockTransport``, and they replace the resolver (``outbound.resolve``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from umbrella.core import outbound
from umbrella.reports.actions import notifying
from umbrella.reports.models import BodyNotification, Channel, Contact, Report

TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Umbrella-Signature"
TIMESTAMP_HEADER = "X-Umbrella-Timestamp"


def set_http_client(client: httpx.Client | None) -> None:
    """Use ``client`` for webhooks and Open311 (``None``: a default client)."""
    outbound.set_client(client)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    http_status: int | None = None
    remote_id: str = ""
    # A refusal that a retry cannot fix (4xx other than 408/429).
    permanent: bool = False


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the ``X-Umbrella-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def staff_url(report: Report) -> str:
    base = settings.SITE_URL.rstrip("/")
    with translation.override("en"):
        try:
            return base + reverse("reports:staff_report", kwargs={"pk": report.pk})
        except NoReverseMatch:
            return base + f"/en/reports/staff/{report.pk}/"


def payload(notification: BodyNotification) -> dict:
    """Return the JSON document a webhook receives (no text or point when confidential)."""
    report = notification.report
    data: dict[str, Any] = {
        "event": notification.event,
        "report": {
            "id": report.pk,
            "category": report.category.code,
            "status": report.status,
            "confidential": report.confidential,
            "submitted_at": report.created_at.isoformat(),
            "url": staff_url(report),
        },
        "body": notification.body.code,
    }
    if not report.confidential:
        data["report"].update(
            description=report.description,
            lat=report.lat,
            lon=report.lon,
            municipality=report.municipality.nis_code if report.municipality else None,
            reporter_kind=report.reporter_kind,
        )
    update = notification.update
    if update is not None and update.public and not report.confidential:
        data["update"] = {"text": update.text}
    return data


def _http_outcome(response: httpx.Response) -> Outcome:
    if 200 <= response.status_code < 300:
        return Outcome(True, http_status=response.status_code)
    # A redirect is not followed (it could lead anywhere) and a retry gets the same.
    permanent = 300 <= response.status_code < 500 and response.status_code not in (408, 429)
    return Outcome(
        False,
        # The status only: the receiver's error page is whatever its owner likes.
        error=f"HTTP {response.status_code}",
        http_status=response.status_code,
        permanent=permanent,
    )


def _contact(notification: BodyNotification) -> Contact:
    """Return where a webhook or Open311 notification goes (a removed one fails the attempt)."""
    if notification.contact is None:
        raise ValueError("its contact was removed")
    return notification.contact


def send_webhook(notification: BodyNotification) -> Outcome:
    contact = _contact(notification)
    body = json.dumps(payload(notification), separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(contact.secret or "", timestamp, body),
    }
    response = outbound.request(
        "POST", contact.endpoint, content=body, headers=headers, timeout=TIMEOUT_SECONDS
    )
    return _http_outcome(response)


def send_open311(notification: BodyNotification) -> Outcome:
    contact = _contact(notification)
    report = notification.report
    if report.confidential:
        return Outcome(False, error="confidential reports are not sent to Open311", permanent=True)
    form = {
        "service_code": contact.remote_service_code or report.category.code,
        "lat": f"{report.lat:.6f}",
        "long": f"{report.lon:.6f}",
        "description": report.description,
    }
    if contact.secret:
        form["api_key"] = contact.secret
    url = contact.endpoint.rstrip("/") + "/requests.json"
    response = outbound.request("POST", url, data=form, timeout=TIMEOUT_SECONDS)
    outcome = _http_outcome(response)
    if not outcome.ok:
        return outcome
    try:
        answer = response.json()
        first = answer[0] if isinstance(answer, list) and answer else {}
        remote = str(first.get("service_request_id") or first.get("token") or "")
    except (ValueError, AttributeError):
        remote = ""
    return Outcome(True, http_status=response.status_code, remote_id=remote)


def send_email(notification: BodyNotification) -> Outcome:
    report = notification.report
    contact = notification.contact
    address = contact.endpoint if contact is not None else notification.address
    with translation.override("en"):
        subject = f"[Umbrella] Report {report.pk}: {report.category.translated('name', 'en')}"
    lines = [
        f"Event: {notification.event}",
        f"Report: {report.pk} ({report.category.code}), status {report.status}",
        f"Received by: {notification.body.translated('name', 'en')}",
        f"Open it: {staff_url(report)}",
    ]
    if report.confidential:
        lines.append("This report is confidential: its content is shown only after sign-in.")
    else:
        lines += ["", report.description, "", f"Point: {report.lat:.6f}, {report.lon:.6f}"]
    send_mail(subject, "\n".join(lines), None, [address])
    return Outcome(True)


# Keyed by the channel's value, as a notification stores it.
TRANSPORTS: dict[str, Callable[[BodyNotification], Outcome]] = {
    Channel.EMAIL: send_email,
    Channel.WEBHOOK: send_webhook,
    Channel.OPEN311: send_open311,
}


def deliver(notification: BodyNotification, now: datetime) -> BodyNotification:
    """Try to send one claimed notification and record the attempt."""
    started = time.monotonic()
    try:
        outcome = TRANSPORTS[notification.channel](notification)
    except outbound.OutboundRefused as exc:
        outcome = Outcome(False, error=f"not sent: {exc}"[:500], permanent=True)
    except httpx.HTTPError as exc:
        outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
    except Exception as exc:  # an e-mail backend, a bad URL: record it, retry later
        outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
    return notifying.record_attempt(
        notification,
        now=now,
        ok=outcome.ok,
        error=outcome.error,
        http_status=outcome.http_status,
        duration_ms=int((time.monotonic() - started) * 1000),
        remote_id=outcome.remote_id,
        permanent=outcome.permanent,
    )


def send_due(now: datetime, limit: int = 10) -> int:
    """Claim and send due notifications; return how many were tried."""
    claimed = notifying.claim_due(now, limit)
    for notification in claimed:
        deliver(notification, now)
    return len(claimed)
