"""Pages of the platform: overview, meetings, minutes, calendar feeds.

Thin views: a form validates, one action changes state, the page re-renders
with the person's input and the action's sentence when it refuses.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from umbrella.accounts.models import hash_secret
from umbrella.consultation.exceptions import ConsultationError, NotAllowed
from umbrella.consultation.meetings import actions, forms, ical, queries
from umbrella.consultation.meetings.models import (
    AgendaDocument,
    AgendaItem,
    Meeting,
    Minutes,
    MinutesStatus,
)
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.members import queries as member_queries
from umbrella.consultation.members.models import FeedToken
from umbrella.consultation.members.views import apply_error, require_manager
from umbrella.core.exceptions import Malformed, Refused


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _visible_meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    if not queries.can_see_meeting(request.user, meeting):
        # Not 403: the public is not told that a members-only meeting exists.
        raise Http404
    return meeting


@require_GET
def index(request):
    """The overview: what the platform is, the next meetings, where to read more."""
    platform = member_queries.regional_platform()
    context = {
        "platform": platform,
        "upcoming": queries.upcoming_meetings(request.user, limit=5),
        "recommendations_url": _url_or_none("consultation:recommendations"),
        "rules_url": _url_or_none("consultation:rules"),
        "is_member": member_queries.is_member(request.user),
        "can_manage": member_queries.can_manage(request.user),
    }
    return render(request, "consultation/index.html", context)


@require_GET
def meeting_list(request):
    now = timezone.now()
    context = {
        "upcoming": queries.upcoming_meetings(request.user, limit=50, now=now),
        "past": queries.past_meetings(request.user, limit=50, now=now),
        "is_member": member_queries.is_member(request.user),
        "can_manage": member_queries.can_manage(request.user),
    }
    return render(request, "consultation/meeting_list.html", context)


def _minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).first()


@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk: int):
    """A meeting: agenda, documents, registration, minutes (as allowed), decisions."""
    meeting = _visible_meeting(request, pk)
    minutes = _minutes_of(meeting)
    comment_form = forms.CommentForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        action = request.POST.get("action")
        try:
            if action == "register":
                actions.register(meeting, user=request.user)
                messages.success(request, _("You are registered for this meeting."))
                return redirect("consultation:meeting", pk=meeting.pk)
            if action == "unregister":
                actions.cancel_registration(meeting, user=request.user)
                messages.success(request, _("Your registration is cancelled."))
                return redirect("consultation:meeting", pk=meeting.pk)
            if action == "comment" and minutes is not None:
                comment_form = forms.CommentForm(request.POST)
                if comment_form.is_valid():
                    actions.comment_on_minutes(
                        minutes, user=request.user, text=comment_form.cleaned_data["text"]
                    )
                    messages.success(request, _("Your comment was added to the draft minutes."))
                    return redirect("consultation:meeting", pk=meeting.pk)
            else:
                raise Malformed(_("This form does not exist; reload the page and try again."))
        except NotAllowed as refusal:
            raise Refused(refusal.message) from refusal
        except ConsultationError as error:
            if action == "comment":
                apply_error(comment_form, error)
            else:
                messages.error(request, error.message)
    member = member_queries.member_of(request.user)
    show_minutes = queries.can_see_minutes(request.user, minutes)
    context = {
        "meeting": meeting,
        "title_lang": meeting.title_with_language()[1],
        "agenda": queries.agenda(meeting),
        "agenda_total": queries.agenda_minutes(meeting),
        "minutes": minutes if show_minutes else None,
        "minutes_lang": minutes.text_with_language()[1] if minutes and show_minutes else "",
        "comments": list(minutes.comments.select_related("member__organisation"))
        if minutes and show_minutes and member_queries.is_member(request.user)
        else [],
        "comment_form": comment_form,
        "can_comment": bool(
            member and minutes and show_minutes and minutes.status == MinutesStatus.DRAFT
        ),
        "decisions": list(queries.visible_decisions(request.user).filter(meeting=meeting)),
        "member": member,
        "participation": queries.participation(meeting, member),
        "has_started": meeting.starts_at <= timezone.now(),
        "can_manage": member_queries.can_manage(request.user, meeting.body),
        "attendance": list(
            meeting.participations.filter(attended=True).select_related("member__organisation")
        ),
    }
    return render(request, "consultation/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    require_manager(request)
    bodies = member_queries.managed_bodies(request.user)
    form = forms.MeetingForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = actions.create_meeting(
                data["body"],
                by=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                title_nl=data["title_nl"],
                title_fr=data["title_fr"],
                title_en=data["title_en"],
                place=data["place"],
                online_url=data["online_url"],
                visibility=data["visibility"],
            )
        except ConsultationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The meeting is planned. Add its agenda below."))
            return redirect("consultation:manage", pk=meeting.pk)
    return render(request, "consultation/meeting_form.html", {"form": form})


def _manage_forms(meeting: Meeting, data=None, files=None, which: str | None = None) -> dict:
    later = [
        m
        for m in Meeting.objects.filter(
            body=meeting.body, starts_at__gt=meeting.starts_at, starts_at__lte=timezone.now()
        ).order_by("starts_at")
    ]
    members = list(
        member_queries.active_members()
        .filter(body=meeting.body)
        .select_related("organisation", "representative")
    )
    minutes = _minutes_of(meeting)
    present = list(meeting.participations.filter(attended=True).values_list("member", flat=True))
    builders = {
        "agenda": lambda d, f: forms.AgendaItemForm(d, meeting=meeting),
        "document": lambda d, f: forms.DocumentForm(d, f, meeting=meeting),
        "attendance": lambda d, f: forms.AttendanceForm(
            d, members=members, initial={"present": present}
        ),
        "minutes": lambda d, f: forms.MinutesForm(
            d,
            initial={
                "text_nl": minutes.text_nl,
                "text_fr": minutes.text_fr,
                "text_en": minutes.text_en,
            }
            if minutes
            else None,
        ),
        "approve": lambda d, f: forms.ApproveForm(d, later_meetings=later),
        "decision": lambda d, f: forms.DecisionForm(d, meeting=meeting),
    }
    return {
        name: build(data if name == which else None, files if name == which else None)
        for name, build in builders.items()
    }


def _run_manage_action(request, meeting: Meeting, which: str, form) -> str:
    """Call the action of the submitted form; return the success message."""
    data = form.cleaned_data
    user = request.user
    if which == "agenda":
        parent = (
            get_object_or_404(AgendaItem, pk=data["parent"], meeting=meeting)
            if data.get("parent")
            else None
        )
        actions.add_agenda_item(
            meeting,
            by=user,
            duration_minutes=data["duration_minutes"],
            title_nl=data["title_nl"],
            title_fr=data["title_fr"],
            title_en=data["title_en"],
            parent=parent,
        )
        return _("The agenda item was added.")
    if which == "document":
        item = get_object_or_404(AgendaItem, pk=data["agenda_item"], meeting=meeting)
        actions.attach_document(
            item, by=user, title=data["title"], upload=data.get("file"), url=data["url"]
        )
        return _("The document was attached.")
    if which == "attendance":
        actions.record_attendance(meeting, by=user, present=data["present"])
        return _("Attendance was recorded.")
    if which == "minutes":
        actions.save_minutes(
            meeting,
            by=user,
            text_nl=data["text_nl"],
            text_fr=data["text_fr"],
            text_en=data["text_en"],
        )
        return _("The draft minutes were saved.")
    if which == "approve":
        at_meeting = get_object_or_404(Meeting, pk=data["at_meeting"])
        actions.approve_minutes(
            get_object_or_404(Minutes, meeting=meeting), by=user, at_meeting=at_meeting
        )
        return _("The minutes are approved.")
    if which == "decision":
        decided_on = (
            get_object_or_404(AgendaItem, pk=data["agenda_item"], meeting=meeting)
            if data.get("agenda_item")
            else None
        )
        actions.record_decision(
            meeting,
            by=user,
            text_nl=data["text_nl"],
            text_fr=data["text_fr"],
            text_en=data["text_en"],
            agenda_item=decided_on,
            moves=form.moves(),
        )
        return _("The decision was recorded.")
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def meeting_manage(request, pk: int):
    """The secretary's page of one meeting: agenda, documents, attendance, minutes, decisions."""
    require_manager(request)
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    require_manager(request, meeting.body)
    which = request.POST.get("form") if request.method == "POST" else None
    if request.method == "POST" and which in ("publish", "reopen", "invite"):
        try:
            if which == "invite":
                count = actions.invite_members(meeting, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d member newly invited.", "%(count)d members newly invited.", count
                    )
                    % {"count": count},
                )
            else:
                minutes = get_object_or_404(Minutes, meeting=meeting)
                if which == "publish":
                    actions.publish_minutes(minutes, by=request.user)
                    messages.success(request, _("The minutes are published."))
                else:
                    actions.reopen_minutes(minutes, by=request.user)
                    messages.success(request, _("The minutes are a draft again."))
        except ConsultationError as error:
            messages.error(request, error.message)
        return redirect("consultation:manage", pk=meeting.pk)
    manage_forms = _manage_forms(meeting, request.POST, request.FILES, which)
    if request.method == "POST":
        form = manage_forms.get(which)
        if which is None or form is None:
            raise Malformed(_("This form does not exist; reload the page and try again."))
        if form.is_valid():
            try:
                done = _run_manage_action(request, meeting, which, form)
            except ConsultationError as error:
                apply_error(form, error, request)
            else:
                messages.success(request, done)
                return redirect("consultation:manage", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "forms": manage_forms,
        "submitted": which,
        "agenda": queries.agenda(meeting),
        "minutes": _minutes_of(meeting),
        "has_started": meeting.starts_at <= timezone.now(),
        "participations": list(
            meeting.participations.select_related("member__organisation", "member__representative")
        ),
    }
    return render(request, "consultation/meeting_manage.html", context)


@require_GET
def document(request, pk: int):
    """Serve an attached file to whoever may see its meeting."""
    doc = get_object_or_404(AgendaDocument.objects.select_related("agenda_item__meeting"), pk=pk)
    if not queries.can_see_meeting(request.user, doc.agenda_item.meeting):
        raise Http404
    if not doc.file:
        return redirect(doc.url)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as missing:
        # The row outlived its file (a restore without the media folder).
        raise Http404 from missing
    stored = doc.file.name or ""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"document-{doc.pk}{stored[stored.rfind('.') :]}",
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ics(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


@require_GET
def public_feed(request):
    """The public calendar: public meetings only."""
    meetings = queries.visible_meetings(None).order_by("starts_at")
    return _ics(ical.calendar_of(meetings, name=_("Consultation platform: public meetings")))


@require_GET
def member_feed(request, token: str):
    """A member's calendar (members-only meetings too), at a secret, revocable address."""
    found = (
        FeedToken.objects.select_related("member__representative")
        .filter(key_hash=hash_secret(token), revoked_at__isnull=True)
        .first()
        if 10 <= len(token) <= 100
        else None
    )
    if found is None or not member_queries.is_member(found.member.representative):
        raise Http404
    meetings = queries.visible_meetings(found.member.representative).order_by("starts_at")
    return _ics(ical.calendar_of(meetings, name=_("Consultation platform: meetings")))


@login_required
@require_http_methods(["GET", "POST"])
def my_feed(request):
    """Let a member create, replace or revoke the secret address of their calendar feed."""
    member = member_queries.member_of(request.user)
    if member is None:
        raise Refused(_("Only members of the platform have a personal calendar feed."))
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            member_actions.revoke_feed_tokens(member)
            messages.success(request, _("Your calendar feed address no longer works."))
            return redirect("consultation:my_feed")
        _token, plaintext = member_actions.issue_feed_token(member)
        feed_url = request.build_absolute_uri(reverse("consultation:member_feed", args=[plaintext]))
    active = member.feed_tokens.filter(revoked_at__isnull=True).first()
    return render(
        request,
        "consultation/my_feed.html",
        {"member": member, "feed_url": feed_url, "active": active},
    )
