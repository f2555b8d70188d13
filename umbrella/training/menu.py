"""The training's section of the role menu and home (found by ``accounts/menu.py``):
a service's training, its feedback, the feedback to moderate."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.menu import Link, Section, section
from umbrella.accounts.models import Role
from umbrella.training.feedback.queries import is_moderator


@section(position=60)
def service_staff(user, counts: bool) -> Section | None:
    links = []
    if user.role == Role.SERVICE_STAFF:
        links.append(Link("training", _("Your training"), reverse("training:index"), primary=True))
        if user.memberships.exists():
            links.append(
                Link(
                    "organisation_feedback",
                    _("Your organisation's feedback"),
                    reverse("training:feedback_organisation"),
                )
            )
    if is_moderator(user):
        links.append(
            Link(
                "feedback_moderation",
                _("Feedback to moderate"),
                reverse("training:feedback_moderation"),
            )
        )
    return Section("training", _("Training and feedback"), links)
