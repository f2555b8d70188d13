"""The public's request for e-mails about a recommendation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EmailFollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_(
            "We send a link to confirm first. Your address is stored encrypted, used only for "
            "these e-mails, and every e-mail has a link to stop them."
        ),
        error_messages={
            "required": _("Give an e-mail address."),
            "invalid": _("This does not look like an e-mail address."),
        },
    )
