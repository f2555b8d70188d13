"""Meetings: agenda, documents, invitations and attendance, minutes, decisions, reminders."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from umbrella.consultation.members.models import Body, Member, translated_text
from umbrella.core.outbox import Backoff, Outbox

__all__ = [
    "AgendaDocument",
    "AgendaItem",
    "Decision",
    "Meeting",
    "Minutes",
    "MinutesComment",
    "MinutesStatus",
    "MINUTES_TRANSITIONS",
    "MailKind",
    "MailStatus",
    "MEETING_MAIL",
    "MeetingMail",
    "Participation",
    "Reminder",
    "ReminderStatus",
    "Visibility",
]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Meeting(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    visibility = models.CharField(
        _("who may see it"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [
            # Serves "public meetings from now on, soonest first" (overview, feed, API).
            models.Index(fields=["visibility", "starts_at"], name="consultation_meeting_vis_start"),
        ]

    def __str__(self) -> str:
        # The Brussels date: a meeting at 23:30 is on that day, not the next one in UTC.
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    @property
    def title(self) -> str:
        return translated_text(self, "title")[0]

    def title_with_language(self) -> tuple[str, str]:
        return translated_text(self, "title")

    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class AgendaItem(models.Model):
    """One point of the agenda; sub-points have a parent (one level of nesting)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("sub-point of"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    # Set on the items queries.agenda() returns (no columns).
    sub_items: list[AgendaItem]
    docs: list[AgendaDocument]

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return translated_text(self, "title")[0]


class AgendaDocument(models.Model):
    """A document attached to an agenda item: an uploaded file or a link.

    Files live under MEDIA_ROOT with a random name and are served only by the
    document view, which applies the meeting's visibility.
    """

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="consultation/documents/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    url = models.URLField(_("link"), blank=True)
    added_at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["agenda_item", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""),
                name="consultation_document_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """A member's invitation to a meeting, registration and attendance."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participations", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="participations", verbose_name=_("member")
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="consultation_participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


# Which status may follow which. Approved minutes may go back to draft when a
# mistake is found before publication; published minutes are final.
MINUTES_TRANSITIONS: dict[str, frozenset[str]] = {
    MinutesStatus.DRAFT: frozenset({MinutesStatus.APPROVED}),
    MinutesStatus.APPROVED: frozenset({MinutesStatus.PUBLISHED, MinutesStatus.DRAFT}),
    MinutesStatus.PUBLISHED: frozenset(),
}


class Minutes(models.Model):
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_minutes",
        verbose_name=_("approved at the meeting"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"minutes of {self.meeting}"

    @property
    def text(self) -> str:
        return translated_text(self, "text")[0]

    def text_with_language(self) -> tuple[str, str]:
        return translated_text(self, "text")

    def is_published(self) -> bool:
        return self.status == MinutesStatus.PUBLISHED


class MinutesComment(models.Model):
    """A member's comment on draft minutes."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="comments", verbose_name=_("minutes")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    text = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.minutes}"


class Decision(models.Model):
    """A decision taken at a meeting; recommendation changes point to it (tracker)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"decision {self.pk} ({self.meeting})"

    @property
    def text(self) -> str:
        return translated_text(self, "text")[0]

    def text_with_language(self) -> tuple[str, str]:
        return translated_text(self, "text")


class ReminderStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NO_ADDRESS = "no_address", _("No e-mail address")


class Reminder(models.Model):
    """One e-mail reminder of one meeting to one member; the row makes it sent once."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=16, choices=ReminderStatus.choices)
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="consultation_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.meeting_id} → {self.member_id}"


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class MailStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("e-mail", "Queued")
    SENT = "sent", pgettext_lazy("e-mail", "Sent")
    FAILED = "failed", pgettext_lazy("e-mail", "Failed")


class MeetingMail(models.Model):
    """One attempt to e-mail an invitation or a reminder of a meeting to one member.

    A failed attempt stays as it is; the retry is a new row with ``attempt + 1``
    due after a growing delay (as notify's deliveries), so every attempt is kept.
    The worker sends the rows that are due (``consultation.tasks.send_meeting_mail``).
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="mails", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MailKind.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"), max_length=8, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    # Serves MEETING_MAIL.claim: status = queued AND due_at <= now.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail to a member")
        verbose_name_plural = _("e-mails to members")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="queued"),
                name="consultation_mail_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member", "kind", "attempt"],
                name="consultation_mail_attempt_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.attempt} {self.meeting_id} → {self.member_id}: {self.status}"


# The outbox of e-mails to members (core/outbox.py): a claim moves the due time five
# minutes ahead, so a worker that dies while sending leaves the row to be taken again
# then; a failure is retried as a new row after 2, 4, 8, 16 minutes, 5 attempts in
# all (``meetings/mail.py``, which also stops once the meeting has started).
MEETING_MAIL = Outbox(
    "consultation.meeting_mail",
    "consultation.MeetingMail",
    waiting={"status": MailStatus.QUEUED},
    due="due_at",
    lease=timedelta(minutes=5),
    backoff=Backoff(base=timedelta(minutes=2), attempts=5),
    related=("meeting__body", "member__representative"),
)
