"""Pages of the platform's members: the representation view and giving a seat.

Thin views: a form validates, one action changes state, the page re-renders
with the person's input and the action's sentence when it refuses. The
meeting pages use the same two helpers (``require_manager``, ``apply_error``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from umbrella.consultation.exceptions import ConsultationError
from umbrella.consultation.members import actions, forms, queries
from umbrella.consultation.members.models import MemberCategory
from umbrella.core.exceptions import Refused


def require_manager(request, body=None) -> None:
    """Refuse (403) unless the person manages ``body`` (without one: at least one body)."""
    if not queries.can_manage(request.user, body):
        raise Refused(_("Only the platform's secretary or the chair of this body may do this."))


def apply_error(form, error: ConsultationError, request=None) -> None:
    """Show an action's refusal next to its field, or at the top of the page (where it is
    seen even when the form itself is not on the page)."""
    if error.field in form.fields:
        form.add_error(error.field, error.message)
    elif request is not None:
        messages.error(request, error.message)
    else:
        form.add_error(None, error.message)


@require_GET
def representation(request):
    """Who is at the table and who is missing, per member category of the resolution."""
    platform = queries.regional_platform()
    rows = queries.representation(platform) if platform else []
    sex_workers = next(
        (row for row in rows if row.category == MemberCategory.SEX_WORKER_REPRESENTATIVE), None
    )
    groups = list(platform.working_groups.all()) if platform else []
    context = {
        "platform": platform,
        "rows": rows,
        "sex_workers": sex_workers,
        "missing": [row for row in rows if row.filled == 0],
        "groups": [
            (
                group,
                [
                    (seat, row.label)
                    for row in queries.representation(group)
                    for seat in row.members
                ],
            )
            for group in groups
        ],
    }
    return render(request, "consultation/representation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request):
    """Give an organisation a seat (secretary or chair)."""
    require_manager(request)
    form = forms.MemberForm(request.POST or None, bodies=queries.managed_bodies(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_member(
                data["body"],
                by=request.user,
                organisation=data["organisation"],
                representative=data["representative"],
                category=data["category"],
                position=data["position"],
            )
        except ConsultationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The member was added."))
            return redirect("consultation:representation")
    return render(request, "consultation/member_form.html", {"form": form})
