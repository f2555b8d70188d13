"""The form of the public certificate check: a code typed from a printed certificate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from umbrella.training.actions_courses import CROCKFORD, format_code
from umbrella.training.queries import normalise_code

# The length new_certificate_code() draws (100 bits of Crockford base32).
CODE_LENGTH = 20
EXAMPLE = format_code("X" * CODE_LENGTH)


class VerifyForm(forms.Form):
    """Take a certificate code as printed (any case, spaces or dashes) and normalise it."""

    code = forms.CharField(
        label=_("Certificate code"),
        # Room for the dashes and spaces of the printed groups, and some slack.
        max_length=64,
        error_messages={
            "required": _("Type the code printed on the certificate."),
            "max_length": _("This is too long for a certificate code."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled per request: a lazy string formatted at import would freeze its language.
        self.fields["code"].help_text = gettext(
            "The code printed on the certificate, for example %(example)s."
        ) % {"example": EXAMPLE}

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH or any(ch not in CROCKFORD for ch in code):
            raise forms.ValidationError(
                _(
                    "This is not a certificate code. A code has %(length)s letters and "
                    "digits, in groups of four, as printed on the certificate."
                ),
                code="malformed",
                params={"length": CODE_LENGTH},
            )
        return code
