"""Forms of the tracker's pages: the secretary's update and milestone forms, comments."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from umbrella.consultation.tracker.actions import MAX_COMMENT_LENGTH, MAX_NOTE_LENGTH
from umbrella.consultation.tracker.models import TrackerStatus


class UpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=TrackerStatus.choices,
        help_text=_(
            "Not started 0 %, in preparation 10 %, in progress 50 %, implemented 100 % unless "
            "you give a figure; abandoned keeps the figure reached."
        ),
        error_messages={"invalid_choice": _("Choose one of the statuses in the list.")},
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("A whole number from 0 to 100. Leave empty to use the status's figure."),
        error_messages={
            "invalid": _("The progress must be a whole number from 0 to 100."),
            "min_value": _("The progress must be a whole number from 0 to 100."),
            "max_value": _("The progress must be a whole number from 0 to 100."),
        },
    )
    note = forms.CharField(
        label=_("What changed, and why"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the public in the history."),
    )
    decision = forms.TypedChoiceField(
        label=_("Decision of the platform that moved it"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the decisions in the list.")},
    )

    def __init__(self, *args, decisions=(), has_parts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = {d.pk: d for d in decisions}
        # Declared above as a TypedChoiceField; ``fields`` is typed as plain fields.
        decision = cast(forms.TypedChoiceField, self.fields["decision"])
        decision.choices = [("", _("None"))] + [
            (d.pk, f"{d.decided_at:%Y-%m-%d} — {d.text[:80]}") for d in decisions
        ]
        if has_parts:
            del self.fields["progress"]

    def clean_decision(self):
        value = self.cleaned_data.get("decision")
        return self.decisions.get(value) if value is not None else None


class MilestoneForm(forms.Form):
    due_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the milestone a date."),
            "invalid": _("Give the date as year-month-day, for example 2027-03-31."),
        },
    )
    title_nl = forms.CharField(label=_("Title (Dutch)"), required=False, max_length=250)
    title_fr = forms.CharField(label=_("Title (French)"), required=False, max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=250)
    evidence_url = forms.URLField(
        label=_("Evidence (a link)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Give a full web address, for example https://…")},
    )
    done = forms.BooleanField(label=_("Done"), required=False)

    def clean(self):
        data = super().clean()
        if not any((data.get(f) or "").strip() for f in ("title_nl", "title_fr", "title_en")):
            self.add_error("title_en", _("Give the milestone a title in at least one language."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only members of the platform read the comments."),
        error_messages={"required": _("Write a comment first.")},
    )
    change = forms.IntegerField(required=False, widget=forms.HiddenInput)
