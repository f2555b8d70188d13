"""Forms of the accounts pages. None of them asks for an e-mail or phone number."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import User
from umbrella.accounts.pseudonyms import check_pseudonym

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NAME_WIDGET_ATTRS = {
    "autocomplete": "username",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
}


class ChosenNameField(forms.CharField):
    default_validators = [UnicodeUsernameValidator()]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Chosen name"))
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("widget", forms.TextInput(attrs=NAME_WIDGET_ATTRS))
        super().__init__(**kwargs)

    def to_python(self, value):
        return User.normalize_username(super().to_python(value))


class NewPassphraseMixin(forms.Form):
    """Two passphrase fields that must match and pass the password validators."""

    passphrase = forms.CharField(
        label=_("Passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters. A few words only you would put together are "
            "easy to remember and hard to guess."
        ),
    )
    passphrase_again = forms.CharField(
        label=_("Passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def passphrase_owner(self) -> User:
        """Return the person the passphrase will belong to, for the similarity check."""
        return User(username=self.cleaned_data.get("chosen_name", ""))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("passphrase"), cleaned.get("passphrase_again")
        if first and second and first != second:
            self.add_error("passphrase_again", _("The two passphrases are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.passphrase_owner())
            except forms.ValidationError as error:
                self.add_error("passphrase", error)
        return cleaned


class SignUpForm(NewPassphraseMixin):
    chosen_name = ChosenNameField(
        help_text=_(
            "Any name you like, not your real name. Letters, digits and @ . + - _ only. "
            "Others (for example your trusted contacts) will see it."
        ),
    )

    field_order = ["chosen_name", "passphrase", "passphrase_again"]

    def clean_chosen_name(self):
        name = self.cleaned_data["chosen_name"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(
                _("That name is already taken. Choose another one."), code="taken"
            )
        # No look-alike of an existing name, no mixed scripts (a circle is built from names).
        # A list, not .iterator(): the check stops at the first match, and an
        # unfinished server-side cursor fails on PostgreSQL.
        return check_pseudonym(name, list(User.objects.values_list("username", flat=True)))


class SignUpPage(TypedDict):
    """What a sign-up page (one per self-sign-up role) shows above ``SignUpForm`` and does."""

    heading: StrOrPromise
    # (chosen name, passphrase) → the new person and her recovery codes.
    action: Callable[[str, str], tuple[User, list[str]]]


class RecoverForm(NewPassphraseMixin):
    chosen_name = ChosenNameField(help_text=None)
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=_(
            "One of the codes you saved when you signed up, for example abcd-efgh-jkmn-pqrt."
        ),
    )

    field_order = ["chosen_name", "code", "passphrase", "passphrase_again"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].label = _("New passphrase")
        self.fields["passphrase_again"].label = _("New passphrase again")


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the platform's words and no hint of who exists."""

    error_messages = {
        "invalid_login": _(
            "That name and passphrase do not match an account. Check both and try again."
        ),
        "inactive": _("This account is switched off. Contact the platform team."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Name")
        self.fields["username"].widget.attrs.update(NAME_WIDGET_ATTRS)
        self.fields["password"].label = _("Passphrase or password")


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        help_text=_("Six digits. A new code appears every 30 seconds."),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the digits only."), code="digits")
        return code


class ConfirmPassphraseForm(forms.Form):
    """Ask for the current passphrase before a sensitive change."""

    passphrase = forms.CharField(
        label=_("Your current passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_passphrase(self):
        passphrase = self.cleaned_data["passphrase"]
        if not self.user.check_password(passphrase):
            raise forms.ValidationError(_("That is not your current passphrase."), code="wrong")
        return passphrase


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_('Where you will use it, for example "phone app".'),
    )


class TwoStepCodeForm(forms.Form):
    """The one code field after a staff password: the app's code or an enrolment code.

    One field for both, so the page is the same whether the account has an
    authenticator or not (docs/accounts.md).
    """

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=_(
            "The six digits your authenticator app shows now, or the one-time enrolment "
            "code an administrator gave you (for example abcd-efgh-jkmn-pqrt-uvwx)."
        ),
    )

    def clean_code(self):
        return " ".join(self.cleaned_data["code"].split())
