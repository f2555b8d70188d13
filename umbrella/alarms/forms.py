"""Forms of the circle set-up and establishment pages.

They only validate what a person typed; the rules of a circle (delays,
members, police opt-in) are checked once, by ``actions.set_circle``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import Membership, Organisation, OrganisationKind
from umbrella.alarms.actions.circles import MAX_DELAY_SECONDS, MIN_DELAY_SECONDS
from umbrella.alarms.actions.duty import EMPTY_SHIFT_MESSAGE
from umbrella.alarms.actions.pins import PIN_MAX_LENGTH, PIN_MIN_LENGTH
from umbrella.alarms.models import Weekday

NAME_ATTRS = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
PIN_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}


class ContactForm(forms.Form):
    """Add a trusted person to the first tier by the name they use on Umbrella."""

    username = forms.CharField(
        label=_("Their name on Umbrella"),
        max_length=150,
        widget=forms.TextInput(attrs=NAME_ATTRS),
        help_text=_("Ask the person for the exact name they chose when they signed up."),
    )


class DelayField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_DELAY_SECONDS)
        kwargs.setdefault("max_value", MAX_DELAY_SECONDS)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)


class CircleSettingsForm(forms.Form):
    """Who comes after the trusted people, after how long, and the police choice."""

    people_delay = DelayField(
        label=_("Seconds your trusted people have to answer"),
        initial=60,
        help_text=_("If none of them answers in this time, the next step below is told."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Then: the on-duty team of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Nobody else"),
    )
    organisation_delay = DelayField(
        label=_("Seconds the team has to answer"),
        initial=120,
        help_text=_("If nobody answers, they are told again after this time, until someone does."),
    )
    police_opt_in = forms.BooleanField(
        label=_("Also tell the police if nobody else answers"),
        required=False,
        initial=False,
    )
    police_zone = forms.ModelChoiceField(
        label=_("Police zone"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose a police zone"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind__in=[OrganisationKind.SUPPORT_ORGANISATION, OrganisationKind.ESTABLISHMENT]
        ).order_by("name")
        self.fields["police_zone"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.POLICE_ZONE
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("police_opt_in") and not cleaned.get("police_zone"):
            self.add_error("police_zone", _("Choose which police zone may be told."))
        return cleaned


class DuressPinForm(forms.Form):
    pin = forms.CharField(
        label=_("Duress PIN"),
        min_length=PIN_MIN_LENGTH,
        max_length=PIN_MAX_LENGTH,
        strip=True,
        widget=forms.PasswordInput(attrs=PIN_ATTRS),
    )
    pin_again = forms.CharField(
        label=_("Duress PIN again"),
        max_length=PIN_MAX_LENGTH,
        strip=True,
        widget=forms.PasswordInput(attrs=PIN_ATTRS),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the person's language, not at import.
        self.fields["pin"].help_text = _(
            "%(min)s to %(max)s digits. Not the code that unlocks your phone."
        ) % {"min": PIN_MIN_LENGTH, "max": PIN_MAX_LENGTH}

    def clean_pin(self):
        pin = self.cleaned_data["pin"]
        if not pin.isdigit():
            raise forms.ValidationError(_("Use digits only."))
        return pin

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pin") and cleaned.get("pin") != cleaned.get("pin_again"):
            self.add_error("pin_again", _("The two PINs are not the same."))
        return cleaned


class RoomButtonForm(forms.Form):
    room_label = forms.CharField(
        label=_("Room"),
        max_length=100,
        help_text=_("How responders will know where to go, for example “Room 3, first floor”."),
    )
    test_mode = forms.BooleanField(
        label=_("Start in test mode"),
        required=False,
        help_text=_("Presses raise test alarms, marked as tests and counted apart."),
    )


class ReferencePersonForm(forms.Form):
    username = forms.CharField(
        label=_("Their name on Umbrella"),
        max_length=150,
        widget=forms.TextInput(attrs=NAME_ATTRS),
        help_text=_("The person must already have a responder account."),
    )


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.user.username


class DutyShiftForm(forms.Form):
    """A weekly shift of a reference person, in Brussels time."""

    membership = MembershipChoiceField(
        label=_("Reference person"), queryset=Membership.objects.none(), empty_label=None
    )
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Earlier than the start: the shift ends the next day."),
    )

    def __init__(self, *args, establishment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.filter(organisation=establishment)
            .select_related("user")
            .order_by("user__username")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if (
            start is not None
            and end is not None
            and start.replace(second=0) == end.replace(second=0)
        ):
            self.add_error("ends_at", EMPTY_SHIFT_MESSAGE)
        return cleaned


class AppLookForm(forms.Form):
    """Choose how the installed app looks on this phone: one of ``disguise.LOOKS``."""

    look = forms.ChoiceField(
        choices=[],
        error_messages={
            "required": _("Choose how the app looks on this phone."),
            "invalid_choice": _("Choose one of the looks on this page."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Imported here like the choices: the names are translated per request.
        from umbrella.alarms.disguise import LOOKS

        self.fields["look"].choices = [(key, look.name) for key, look in LOOKS.items()]
