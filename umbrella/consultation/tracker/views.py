"""Pages of the recommendations tracker (thin views): the list, a recommendation's page,
members' comments, the secretary's update and milestone forms, the CSV download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from umbrella.consultation.following import queries as following
from umbrella.consultation.following.forms import EmailFollowForm
from umbrella.consultation.tracker import actions, exports, queries
from umbrella.consultation.tracker.forms import CommentForm, MilestoneForm, UpdateForm
from umbrella.consultation.tracker.models import Milestone
from umbrella.core.exceptions import Refused


def page_language() -> str:
    """Return the page's language code (``nl``, ``fr`` …) for e-mails and CSV titles."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def recommendation_or_404(key: str):
    rec = queries.find_recommendation(key)
    if rec is None:
        raise Http404(_("No such recommendation."))
    return rec


def recommendation_list(request: HttpRequest) -> HttpResponse:
    nodes = queries.flatten(queries.tree())
    return render(
        request,
        "consultation/recommendation_list.html",
        {"nodes": nodes, "may_edit": queries.may_edit(request.user)},
    )


def detail_context(request: HttpRequest, rec, **extra) -> dict:
    user = request.user
    decisions = queries.moved_by(rec, user)
    visible_decisions = {d.pk for d in decisions}
    may_comment = queries.may_comment(user)
    cache = queries.FigureCache()
    context = {
        "rec": rec,
        "ancestors": list(reversed(rec.ancestors())),
        "children": list(rec.children.order_by("position", "pk")),
        "history": list(queries.history(rec)[:100]),
        "decisions": decisions,
        "visible_decisions": visible_decisions,
        "indicators": cache.for_recommendation(rec),
        "following": following.is_following(rec, user),
        "may_edit": queries.may_edit(user),
        "may_comment": may_comment,
        "comments": list(queries.comments(rec)) if may_comment else [],
        "email_form": EmailFollowForm(),
        "comment_form": CommentForm(),
    }
    context.update(extra)
    return context


def recommendation_detail(request: HttpRequest, key: str) -> HttpResponse:
    rec = recommendation_or_404(key)
    return render(request, "consultation/recommendation_detail.html", detail_context(request, rec))


@require_POST
@login_required
def recommendation_comment(request: HttpRequest, key: str) -> HttpResponse:
    rec = recommendation_or_404(key)
    if not queries.may_comment(request.user):
        raise Refused(_("Only members of the consultation platform may comment."))
    form = CommentForm(request.POST)
    change = None
    if form.is_valid():
        change_id = form.cleaned_data.get("change")
        change = rec.changes.filter(pk=change_id).first() if change_id else None
        try:
            actions.add_comment(
                rec, author=request.user, body=form.cleaned_data["body"], change=change
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    if form.errors:
        context = detail_context(request, rec, comment_form=form)
        return render(request, "consultation/recommendation_detail.html", context, status=422)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{rec.get_absolute_url()}#comments")


def _editor(request: HttpRequest):
    if not request.user.is_authenticated:
        return False
    if not queries.may_edit(request.user):
        raise Refused(_("Only the platform's secretary updates recommendations."))
    return True


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_update(request: HttpRequest, key: str) -> HttpResponse:
    _editor(request)
    rec = recommendation_or_404(key)
    from umbrella.consultation.meetings.queries import visible_decisions

    decisions = list(visible_decisions(request.user).order_by("-decided_at", "-pk")[:100])
    has_parts = rec.children.exists()
    kwargs = {"decisions": decisions, "has_parts": has_parts}
    if request.method == "POST":
        form = UpdateForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.update_recommendation(
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
    rec = recommendation_or_404(key)
    milestone = None
    if pk is not None:
        milestone = Milestone.objects.filter(pk=pk, recommendation=rec).first()
        if milestone is None:
            raise Http404(_("No such milestone."))
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                actions.save_milestone(
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


def recommendations_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.recommendations_csv(page_language(), timezone.now()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="umbrella-recommendations.csv"'
    return response
