"""The sex worker's feedback form: three questions, an optional text, a trap for robots."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from umbrella.training.feedback.models import TEXT_MAX_LENGTH, Respect, YesNo


class FeedbackForm(forms.Form):
    respect = forms.ChoiceField(
        label=_("Were you treated with respect?"),
        choices=Respect.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an answer: yes, partly or no."),
            "invalid_choice": _("Choose an answer: yes, partly or no."),
        },
    )
    real_name = forms.ChoiceField(
        label=_("Did you have to give your real name?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    refused = forms.ChoiceField(
        label=_("Were you refused the help you came for?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    text = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "Your text is too long: write at most %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
    )
    # A trap: hidden from people (display: none), filled in by robots that fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())
