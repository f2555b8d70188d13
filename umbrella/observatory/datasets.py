"""The published figures: what each one counts, from which measures, and its method note.

How a figure is computed (``count``, ``share``, ``median``/``p90``, ``total``) is told in
``definition``; the services' monthly pictures are in ``services``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from umbrella.observatory.definition import (  # noqa: F401 -- re-exported
    ALL_LEVELS,
    ALL_PERIODS,
    BODY,
    REGION,
    Dataset,
    _count,
    join,
    minutes_bucket,
    seconds_bucket,
)
from umbrella.observatory.services import SERVICE_DATASETS

ALARM_SOURCE = _(
    "Counted from the alarms table by the month the alarm was raised and the municipality "
    "it was raised in (alarms without a shared place count region-wide only). Test alarms "
    "and duress alarms are left out."
)

DELIVERY_COUNT = _(
    "Counted from the deliveries table: every attempt to deliver an alarm or a check-in "
    "reminder to a responder on this channel (a retry is a new attempt), by the month it was "
    "made. A delivery goes to a responder, not to a place, so the figure is region-wide. The "
    "attempts sent, failed and the others are each protected as counts and the total is "
    "hidden wherever one of them is, so that it cannot be set against the share delivered."
)
DELIVERY_SHARE = _(
    "Attempts the provider accepted (sent) divided by the attempts that ended, sent or failed, "
    "by the month they were made, region-wide. Attempts not needed any more (the alarm was "
    "taken first), still waiting, or written to a log on a local install are left out. Both "
    "counts are protected: the share is hidden wherever either is."
)
DELIVERY_CHANNELS = (
    ("webpush", _("Alarm messages sent by Web Push")),
    ("sms", _("Alarm messages sent by text message")),
    ("voice", _("Alarm messages sent by voice call")),
    ("email", _("Alarm messages sent by e-mail")),
)
DELIVERY_SHARES = (
    ("webpush", _("Share of Web Push messages delivered")),
    ("sms", _("Share of text messages delivered")),
    ("voice", _("Share of voice calls delivered")),
    ("email", _("Share of e-mails delivered")),
)
ESTABLISHMENT_NOTE = _(
    "A picture at the end of each month, from the establishments' room buttons (not revoked) "
    "and their test alarms, by the municipality the establishment is registered in (region-"
    "wide only when it has none). A test counts when a reference person acknowledged it. "
    "These are facts about establishments, not people; k = 10 still applies, so no "
    "municipality with one to nine establishments is shown and the figure cannot single out "
    "one establishment. The establishments tested and the others are each protected, and the "
    "number of establishments is hidden wherever either is. A picture does not add up over "
    "months, so it is published per month only."
)

DATASETS: tuple[Dataset, ...] = (
    _count(
        "alarms-phone",
        "alarms.app",
        _("Alarms raised with the panic button in the app"),
        _("Real alarms a sex worker raised with the panic button on her phone."),
        ALARM_SOURCE,
    ),
    _count(
        "alarms-room-button",
        "alarms.device",
        _("Alarms raised with a room button"),
        _("Real alarms raised with a panic button fixed in a room of an establishment."),
        ALARM_SOURCE,
    ),
    _count(
        "alarms-check-in",
        "alarms.checkin",
        _("Alarms raised by a lapsed check-in"),
        _("Real alarms raised because a check-in timer ran out without a “done”."),
        ALARM_SOURCE,
    ),
    _count(
        "alarms-test",
        "alarms.test",
        _("Test alarms"),
        _("Alarms raised to test a phone or a room button; nobody was in danger."),
        _(
            "Counted from the alarms table: every alarm marked as a test, whatever its source, "
            "by the month it was raised and its municipality."
        ),
    ),
    Dataset(
        "alarms-duress",
        _("Duress alarms"),
        _(
            "Alarms raised silently with the duress code: the sex worker was forced to "
            "cancel or say she was safe."
        ),
        _(
            "Counted from the alarms table. Duress is rare and points at a person, so it is "
            "published only for the whole region and only per year."
        ),
        "count",
        REGION,
        ("year",),
        "panic",
        measure="alarms.duress",
    ),
    Dataset(
        "acknowledgement-median",
        _("Median time to first acknowledgement"),
        _("Half of the real alarms were acknowledged by a responder within this time."),
        _(
            "From the time each real alarm was raised to its first acknowledgement, folded "
            "into a histogram (1 s steps up to 2 min, 10 s up to 10 min, minutes up to an "
            "hour, then 10 minutes); "
            "the value is the bucket holding the middle alarm. Published only where at least "
            "10 alarms were acknowledged."
        ),
        "seconds",
        ALL_LEVELS,
        ALL_PERIODS,
        "panic",
        kind="median",
        measure="ack.seconds",
        gate="ack.count",
    ),
    Dataset(
        "acknowledgement-p90",
        _("Time to first acknowledgement, 90th percentile"),
        _("Nine in ten acknowledged real alarms were acknowledged within this time."),
        _(
            "As the median, from the same histogram: the bucket holding the alarm at 90 %. "
            "Published only where at least 10 alarms were acknowledged."
        ),
        "seconds",
        ALL_LEVELS,
        ALL_PERIODS,
        "panic",
        kind="p90",
        measure="ack.seconds",
        gate="ack.count",
    ),
    Dataset(
        "acknowledged-within-60s",
        _("Share of alarms acknowledged within 60 seconds"),
        _("Real alarms a responder acknowledged within one minute, out of all real alarms."),
        _(
            "Real alarms acknowledged within 60 s divided by all real alarms of the cell. Both "
            "the alarms acknowledged in time and the others are protected as counts: the share "
            "is hidden wherever either is."
        ),
        "share",
        ALL_LEVELS,
        ALL_PERIODS,
        "panic",
        kind="share",
        measure="ack.within60",
        rest="ack.later",
    ),
    _count(
        "alarms-escalated",
        "alarms.escalated",
        _("Alarms escalated to a further tier"),
        _("Real alarms nobody acknowledged in time, so the next tier of responders was told."),
        _(
            "Counted from the alarms table: real alarms with at least one escalation step, by "
            "the month the alarm was raised and its municipality."
        ),
    ),
    _count(
        "alarms-resolved",
        "outcome.resolved",
        _("Alarms resolved by a responder"),
        _("Real alarms a responder closed as dealt with."),
        ALARM_SOURCE,
    ),
    _count(
        "alarms-cancelled",
        "outcome.cancelled",
        _("Alarms cancelled by the sex worker"),
        _("Real alarms the sex worker cancelled herself (for example, raised by mistake)."),
        ALARM_SOURCE,
    ),
    _count(
        "check-ins-started",
        "checkins.started",
        _("Check-ins started"),
        _("Check-in timers sex workers started before a meeting."),
        _(
            "Counted from the check-ins table by the month the timer started. A check-in has no "
            "place, so the figure is region-wide."
        ),
        levels=REGION,
    ),
    _count(
        "check-ins-in-time",
        "checkins.done",
        _("Check-ins ended in time"),
        _("Check-ins the sex worker ended with “done” before the timer ran out."),
        _("Counted from the check-ins table by the month the timer started; region-wide."),
        levels=REGION,
    ),
    _count(
        "check-ins-lapsed",
        "checkins.expired",
        _("Check-ins that lapsed"),
        _("Check-ins whose timer ran out, so an alarm was raised."),
        _("Counted from the check-ins table by the month the timer started; region-wide."),
        levels=REGION,
    ),
    _count(
        "reports",
        "reports.all",
        _("Liveability reports"),
        _("Reports about cleanliness, public space and safety sent by anyone."),
        _(
            "Counted from the reports table by the month the report was sent and the "
            "municipality it is about."
        ),
        group="liveability",
    ),
    _count(
        "reports-safety",
        "reports.safety",
        _("Liveability reports about safety"),
        _("Reports in the safety categories."),
        _("Counted from the reports table, safety categories only, by month and municipality."),
        group="liveability",
    ),
    Dataset(
        "reports-held-by-guard",
        _("Share of reports held by the anti-targeting guard"),
        _(
            "Reports the guard held for a moderator because they seemed to target sex "
            "workers rather than a problem in the street."
        ),
        _(
            "Reports the guard flagged divided by all reports of the cell; both counts are "
            "protected, the share is hidden wherever either is."
        ),
        "share",
        ALL_LEVELS,
        ALL_PERIODS,
        "liveability",
        kind="share",
        measure="reports.guard",
        rest="reports.unflagged",
    ),
    Dataset(
        "report-first-response-median",
        _("Median time to a first response to a report"),
        _("Half of the answered reports had a first response from a body within this time."),
        _(
            "From the time a report was sent to the first response of the body in charge, in "
            "a histogram (minutes for the first hour, then quarters of an hour, hours after a "
            "day, days after a week); published only where at least "
            "10 reports were answered."
        ),
        "minutes",
        ALL_LEVELS,
        ALL_PERIODS,
        "liveability",
        kind="median",
        measure="reports.response_minutes",
        gate="reports.responded",
    ),
    Dataset(
        "report-fixed-median",
        _("Median time to “fixed” for a report"),
        _("Half of the reports marked fixed were fixed within this time of being sent."),
        _(
            "From the time a report was sent to the time the body in charge marked it fixed, "
            "in the same histogram as the first response; by the municipality the report is "
            "about, which is the body in charge of most categories there (the municipality, "
            "or its police zone). A report reopened after “fixed” counts only once it is "
            "fixed again. Published only where at least 10 reports were fixed."
        ),
        "minutes",
        ALL_LEVELS,
        ALL_PERIODS,
        "liveability",
        kind="median",
        measure="reports.fixed_minutes",
        gate="reports.fixed",
    ),
    *(
        Dataset(
            f"{slug}-by-body",
            title,
            description,
            join(
                note,
                _(
                    "By the body the report is routed to (its lead body: a municipality's "
                    "service, a police zone, a regional service such as Bruxelles-Propreté or "
                    "the STIB, a support organisation), whatever the place; reports not routed "
                    "yet (held by the anti-targeting guard) are a row of their own. Published "
                    "only where at least 10 reports were answered; the number of reports per "
                    "body is protected as the areas' counts are (each body a part of the "
                    "region-wide total, complementary suppression included), so a median is "
                    "hidden wherever that number is."
                ),
            ),
            "minutes",
            BODY,
            ALL_PERIODS,
            "liveability",
            kind="median",
            measure=f"reports.body.{measure}_minutes",
            gate=f"reports.body.{gate}",
        )
        for slug, title, description, note, measure, gate in (
            (
                "report-first-response-median",
                _("Median time to a first response to a report, per body"),
                _("Half of the answered reports had a first response within this time."),
                _(
                    "From the time a report was sent to its first response, in a histogram "
                    "(minutes for the first hour, then quarters of an hour, hours after a day, "
                    "days after a week)."
                ),
                "response",
                "responded",
            ),
            (
                "report-fixed-median",
                _("Median time to “fixed” for a report, per body"),
                _("Half of the reports marked fixed were fixed within this time of being sent."),
                _(
                    "From the time a report was sent to the time it was marked fixed, in the "
                    "same histogram as the first response; a report reopened after “fixed” "
                    "counts only once it is fixed again."
                ),
                "fixed",
                "fixed",
            ),
        )
    ),
    *(
        Dataset(
            f"deliveries-{channel}",
            title,
            _("Messages sent to responders about alarms and check-ins on this channel."),
            DELIVERY_COUNT,
            "count",
            REGION,
            ALL_PERIODS,
            "panic",
            kind="total",
            parts=(
                f"deliveries.{channel}.sent",
                f"deliveries.{channel}.failed",
                f"deliveries.{channel}.other",
            ),
        )
        for channel, title in DELIVERY_CHANNELS
    ),
    *(
        Dataset(
            f"deliveries-{channel}-delivered",
            title,
            _("Attempts on this channel the provider accepted, out of those that ended."),
            DELIVERY_SHARE,
            "share",
            REGION,
            ALL_PERIODS,
            "panic",
            kind="share",
            measure=f"deliveries.{channel}.sent",
            rest=f"deliveries.{channel}.failed",
        )
        for channel, title in DELIVERY_SHARES
    ),
    Dataset(
        "establishments-room-button",
        _("Establishments with a room button"),
        _("Establishments with at least one working room button at the end of the month."),
        ESTABLISHMENT_NOTE,
        "count",
        ALL_LEVELS,
        ("month",),
        "panic",
        kind="total",
        parts=("establishments.tested", "establishments.untested"),
    ),
    Dataset(
        "establishments-tested-30-days",
        _("Share of establishments that tested their room buttons in the last 30 days"),
        _(
            "Establishments with a room button whose test alarm a reference person "
            "acknowledged in the 30 days before the end of the month (the 2024 law's "
            "obligation)."
        ),
        ESTABLISHMENT_NOTE,
        "share",
        ALL_LEVELS,
        ("month",),
        "panic",
        kind="share",
        measure="establishments.tested",
        rest="establishments.untested",
    ),
    *SERVICE_DATASETS,
)

BY_SLUG = {d.slug: d for d in DATASETS}
