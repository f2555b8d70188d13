"""Pages of the recommendations tracker and the municipal rules monitor (thin views)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from umbrella.consultation import actions_tracker, exports_tracker, queries_tracker
from umbrella.consultation.forms_tracker import (
    CommentForm,
    EmailFollowForm,
    MilestoneForm,
    UpdateForm,
)
from umbrella.consultation.models import Milestone, RuleKind, RuleStatus
from umbrella.core import ratelimit

EMAIL_FOLLOW_RATE = "10/h"


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _recommendation_or_404(key: str):
    rec = queries_tracker.find_recommendation(key)
    if rec is None:
        raise Http404(_("No such recommendation."))
    return rec


def recommendation_list(request: HttpRequest) -> HttpResponse:
    nodes = queries_tracker.flatten(queries_tracker.tree())
    return render(
        request,
        "consultation/recommendation_list.html",
        {"nodes": nodes, "may_edit": queries_tracker.may_edit(request.user)},
    )


def _detail_context(request: HttpRequest, rec, **extra) -> dict:
    user = request.user
    decisions = queries_tracker.moved_by(rec, user)
    visible_decisions = {d.pk for d in decisions}
    may_comment = queries_tracker.may_comment(user)
    cache = queries_tracker.FigureCache()
    context = {
        "rec": rec,
        "ancestors": list(reversed(rec.ancestors())),
        "children": list(rec.children.order_by("position", "pk")),
        "history": list(queries_tracker.history(rec)[:100]),
        "decisions": decisions,
        "visible_decisions": visible_decisions,
        "indicators": cache.for_recommendation(rec),
        "following": queries_tracker.is_following(rec, user),
        "may_edit": queries_tracker.may_edit(user),
        "may_comment": may_comment,
        "comments": list(queries_tracker.comments(rec)) if may_comment else [],
        "email_form": EmailFollowForm(),
        "comment_form": CommentForm(),
    }
    context.update(extra)
    return context


def recommendation_detail(request: HttpRequest, key: str) -> HttpResponse:
    rec = _recommendation_or_404(key)
    return render(request, "consultation/recommendation_detail.html", _detail_context(request, rec))


@require_POST
@login_required
def recommendation_follow(request: HttpRequest, key: str) -> HttpResponse:
    rec = _recommendation_or_404(key)
    actions_tracker.follow(rec, request.user)
    messages.success(request, _("You follow this recommendation: you will be told of its updates."))
    return redirect(rec.get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_unfollow(request: HttpRequest, key: str) -> HttpResponse:
    rec = _recommendation_or_404(key)
    if request.method == "POST":
        actions_tracker.unfollow(rec, request.user)
        messages.success(request, _("You no longer follow this recommendation."))
        return redirect(rec.get_absolute_url())
    return render(request, "consultation/recommendation_unfollow.html", {"rec": rec})


def _too_many_email_requests(request: HttpRequest) -> bool:
    # Counted per address in the cache for an hour; nothing is written to the database.
    client = ratelimit.client_key(request, "consultation.email-follow")
    return ratelimit.over(
        request, "consultation.email-follow", client, EMAIL_FOLLOW_RATE, increment=True
    )


@require_POST
def recommendation_email_follow(request: HttpRequest, key: str) -> HttpResponse:
    rec = _recommendation_or_404(key)
    form = EmailFollowForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, rec, email_form=form)
        return render(request, "consultation/recommendation_detail.html", context, status=422)
    if _too_many_email_requests(request):
        form.add_error(None, _("Too many requests from here. Please try again in an hour."))
        context = _detail_context(request, rec, email_form=form)
        return render(request, "consultation/recommendation_detail.html", context, status=429)
    actions_tracker.request_email_follow(rec, form.cleaned_data["email"], language=_language())
    # The same answer whether or not the address already follows: nobody learns who does.
    return render(request, "consultation/recommendation_email_sent.html", {"rec": rec})


@require_http_methods(["GET", "POST"])
def recommendation_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        follower = actions_tracker.confirm_email_follow(token)
        if follower is None:
            return render(
                request, "consultation/recommendation_email_link.html", {"bad": True}, status=404
            )
        return render(
            request,
            "consultation/recommendation_email_link.html",
            {"confirmed": True, "rec": follower.recommendation},
        )
    return render(
        request, "consultation/recommendation_email_link.html", {"confirm": True, "token": token}
    )


@require_http_methods(["GET", "POST"])
def recommendation_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        actions_tracker.unsubscribe_email(token)
        # Same answer for an address already removed: the link stays harmless.
        return render(
            request, "consultation/recommendation_email_link.html", {"unsubscribed": True}
        )
    return render(
        request,
        "consultation/recommendation_email_link.html",
        {"unsubscribe": True, "token": token},
    )


@require_POST
@login_required
def recommendation_comment(request: HttpRequest, key: str) -> HttpResponse:
    rec = _recommendation_or_404(key)
    if not queries_tracker.may_comment(request.user):
        raise PermissionDenied(_("Only members of the consultation platform may comment."))
    form = CommentForm(request.POST)
    change = None
    if form.is_valid():
        change_id = form.cleaned_data.get("change")
        change = rec.changes.filter(pk=change_id).first() if change_id else None
        try:
            actions_tracker.add_comment(
                rec, author=request.user, body=form.cleaned_data["body"], change=change
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    if form.errors:
        context = _detail_context(request, rec, comment_form=form)
        return render(request, "consultation/recommendation_detail.html", context, status=422)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{rec.get_absolute_url()}#comments")


def _editor(request: HttpRequest):
    if not request.user.is_authenticated:
        return False
    if not queries_tracker.may_edit(request.user):
        raise PermissionDenied(_("Only the platform's secretary updates recommendations."))
    return True


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_update(request: HttpRequest, key: str) -> HttpResponse:
    _editor(request)
    rec = _recommendation_or_404(key)
    from umbrella.consultation.queries_meetings import visible_decisions

    decisions = list(visible_decisions(request.user).order_by("-decided_at", "-pk")[:100])
    has_parts = rec.children.exists()
    kwargs = {"decisions": decisions, "has_parts": has_parts}
    if request.method == "POST":
        form = UpdateForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions_tracker.update_recommendation(
                    rec,
                    by=request.user,
                    status=data["status"],
                    progress=data.get("progress"),
                    note=data["note"],
                    decision=data["decision"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The recommendation was updated."))
                return redirect(rec.get_absolute_url())
        status = 422
    else:
        form = UpdateForm(initial={"status": rec.status, "progress": rec.progress}, **kwargs)
        status = 200
    milestones = list(rec.milestones.all())
    return render(
        request,
        "consultation/recommendation_update.html",
        {"rec": rec, "form": form, "has_parts": has_parts, "milestones": milestones},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_milestone(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    _editor(request)
    rec = _recommendation_or_404(key)
    milestone = None
    if pk is not None:
        milestone = Milestone.objects.filter(pk=pk, recommendation=rec).first()
        if milestone is None:
            raise Http404(_("No such milestone."))
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                actions_tracker.save_milestone(
                    rec, by=request.user, milestone=milestone, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The milestone was saved."))
                return redirect(rec.get_absolute_url())
        status = 422
    else:
        initial = {}
        if milestone is not None:
            initial = {
                f: getattr(milestone, f)
                for f in ("due_on", "title_nl", "title_fr", "title_en", "evidence_url", "done")
            }
        form = MilestoneForm(initial=initial)
        status = 200
    return render(
        request,
        "consultation/recommendation_milestone.html",
        {"rec": rec, "form": form, "milestone": milestone},
        status=status,
    )


@login_required
def recommendation_following(request: HttpRequest) -> HttpResponse:
    notices = list(queries_tracker.unread_notices(request.user)[:100])
    if request.method == "POST":
        actions_tracker.mark_notices_read(request.user)
        return redirect("consultation:recommendations_following")
    return render(
        request,
        "consultation/recommendation_following.html",
        {"followed": queries_tracker.followed_by(request.user), "notices": notices},
    )


def recommendations_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports_tracker.recommendations_csv(_language(), timezone.now()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="umbrella-recommendations.csv"'
    return response


def rules_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports_tracker.rules_csv(_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="umbrella-municipal-rules.csv"'
    return response


def rules_comparison(request: HttpRequest) -> HttpResponse:
    rows = queries_tracker.comparison()
    map_data = {
        row.municipality.nis_code: {
            "kinds": row.regulated_kinds,
            "in_force": any(
                r.status == RuleStatus.IN_FORCE for _kind, rules in row.cells for r in rules
            ),
            "none_known": row.municipality.no_rule_known,
            "letters": " ".join(KIND_LETTERS[kind] for kind in row.regulated_kinds) or "—",
        }
        for row in rows
    }
    return render(
        request,
        "consultation/rules_comparison.html",
        {
            "rows": rows,
            "kinds": RuleKind.choices,
            "map_data": map_data,
            "kind_legend": [(KIND_LETTERS[value], label) for value, label in RuleKind.choices],
        },
    )


# The letter that stands for each kind on the map and in its legend (not colour alone).
KIND_LETTERS = {
    RuleKind.POLICE_REGULATION: "P",
    RuleKind.URBANISM: "U",
    RuleKind.TAX: "T",
    RuleKind.OTHER: "O",
}
