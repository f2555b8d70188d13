"""Template tags the directory's pages load to show the training label and the feedback link.

Their wording lives in the training app's templates and catalogue, so the
directory's own catalogue gains no string. The label itself is the
directory's ``trained_non_stigmatising``, which ``refresh_directory_labels``
keeps equal to the label rule (feedback/queries.py, label_rule).
"""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


def _is_service(place) -> bool:
    return bool(place) and place.get("kind") == "service" and place.get("service_id") is not None


@register.inclusion_tag("training/feedback_label.html")
def training_label(place):
    """Show the label on a labelled service; ``place`` is a directory place's properties."""
    return {"labelled": _is_service(place) and bool(place.get("trained_non_stigmatising"))}


@register.inclusion_tag("training/feedback_link.html")
def training_feedback(place):
    """Show what the label means and the link to the feedback form on a service's page."""
    if not _is_service(place):
        return {"url": None}
    return {
        "url": reverse("training:feedback_form", args=[place["service_id"]]),
        "labelled": bool(place.get("trained_non_stigmatising")),
    }
