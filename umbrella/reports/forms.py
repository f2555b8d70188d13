"""Forms of the report pages: the report, the staff update, the follow-up answers, the filters.

The forms check shape only (a number is a number, a choice is one of the choices); the
rules that decide whether a report is acceptable (inside the region, photo size and type,
rate limits, the honeypot) belong to ``actions.submit_report``, whose ``ReportInvalid``
errors the views put back on the same fields.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django import forms
from django.utils.translation import gettext_lazy as _

from umbrella.areas.models import Municipality, Neighbourhood
from umbrella.reports.actions.updates import can_transition
from umbrella.reports.models import Body, Category, ReporterKind, ReportStatus

# The honeypot's name: a field people never see and robots like to fill in.
HONEYPOT = "website"
DESCRIPTION_MAX = 5000  # as actions.submit_report
UPDATE_MAX = 5000  # as actions.post_update


def category_choices(*, include_confidential: bool = True) -> list[tuple[str, str]]:
    categories = Category.objects.filter(active=True)
    if not include_confidential:
        categories = categories.filter(confidential=False)
    return sorted(((c.code, c.name) for c in categories), key=lambda choice: choice[1])


def neighbourhood_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the neighbourhoods grouped by municipality, names in the current language."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for n in Neighbourhood.objects.select_related("municipality"):
        municipality = n.municipality.name if n.municipality_id else ""
        groups.setdefault(municipality, []).append((str(n.code), n.name))
    return [
        (municipality, sorted(items, key=lambda item: item[1]))
        for municipality, items in sorted(groups.items())
    ]


@lru_cache(maxsize=256)
def _inside_point(geometry: str) -> tuple[float, float]:
    from shapely.geometry import shape

    point = shape(json.loads(geometry)).representative_point()
    return point.y, point.x


def neighbourhood_point(code: str) -> tuple[float, float] | None:
    """Return a point inside the neighbourhood (latitude, longitude), or None if unknown."""
    neighbourhood = Neighbourhood.objects.filter(code=code).only("geometry").first()
    if neighbourhood is None:
        return None
    return _inside_point(neighbourhood.geometry)


class ReportForm(forms.Form):
    """What a person tells about a place; no account needed."""

    category = forms.ChoiceField(
        label=_("What is the problem?"),
        error_messages={"required": _("Choose what the problem is.")},
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        error_messages={"invalid": _("The latitude must be a number, for example 50.8503.")},
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        error_messages={"invalid": _("The longitude must be a number, for example 4.3517.")},
    )
    neighbourhood = forms.ChoiceField(label=_("Or the neighbourhood"), required=False)
    description = forms.CharField(
        label=_("Describe the situation"),
        max_length=DESCRIPTION_MAX,
        help_text=_("What is wrong, and since when? Describe the situation, not people."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Describe what you saw, in a few words."),
            "max_length": _("Keep the description under %(limit_value)d characters."),
        },
    )
    reporter_kind = forms.ChoiceField(
        label=_("Who are you?"),
        choices=ReporterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say who you are: it helps the right people answer.")},
    )
    email = forms.EmailField(
        label=_("E-mail for follow-up (optional)"),
        required=False,
        help_text=_(
            "Only to tell you what happens to your report. No one else ever sees it, "
            "not even the body that handles the report."
        ),
        error_messages={"invalid": _("This e-mail address does not look right.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_(
            "An image of at most 10 MB. Its location data is removed. Do not photograph people: "
            "photos of people are never published."
        ),
    )
    wants_police = forms.BooleanField(label=_("Also tell the police"), required=False)
    wants_victim_support = forms.BooleanField(
        label=_("Also tell a recognised victim-support centre"), required=False
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        confidential = set(
            Category.objects.filter(active=True, confidential=True).values_list("code", flat=True)
        )
        self.fields["category"].choices = [
            ("", _("Choose…")),
            *(
                (
                    code,
                    _("%(name)s (confidential)") % {"name": name} if code in confidential else name,
                )
                for code, name in category_choices()
            ),
        ]
        self.fields["neighbourhood"].choices = [
            ("", _("No neighbourhood")),
            *neighbourhood_choices(),
        ]
        for name in ("category", "neighbourhood", "reporter_kind"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose a value from the list.")

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if "lat" in self.errors or "lon" in self.errors:
            return cleaned
        if (lat is None) != (lon is None):
            self.add_error(
                "lat" if lat is None else "lon",
                _("Give both the latitude and the longitude, or neither."),
            )
        elif lat is None:
            code = cleaned.get("neighbourhood")
            point = neighbourhood_point(code) if code else None
            if point is None:
                self.add_error(
                    None,
                    _("Show where it is: drop a pin on the map, or choose a neighbourhood."),
                )
            else:
                cleaned["lat"], cleaned["lon"] = point
        return cleaned


class DuplicatesForm(forms.Form):
    """The question of the duplicates partial: a category and a point."""

    category = forms.CharField()
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)


class FilterForm(forms.Form):
    """Filters of the public list; every field optional, unknown values are errors."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *ReportStatus.choices]
        self.fields["category"].choices = [
            ("", _("Any category")),
            *category_choices(include_confidential=False),
        ]
        municipalities = sorted(Municipality.objects.all(), key=lambda m: m.name)
        self.fields["municipality"].choices = [
            ("", _("All 19 municipalities")),
            *((m.nis_code, m.name) for m in municipalities),
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose a value from the list.")


class InboxFilterForm(forms.Form):
    """The staff inbox's filter: one status, or every report including the finished ones."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    include_closed = forms.BooleanField(label=_("Also fixed and closed reports"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Every status still to handle")),
            *ReportStatus.choices,
        ]
        self.fields["status"].error_messages["invalid_choice"] = _("Choose a value from the list.")


class UpdateForm(forms.Form):
    """A staff member's update: a public text, a state, and what a state needs."""

    new_status = forms.ChoiceField(label=_("New status"), required=False)
    text = forms.CharField(
        label=_("Update"),
        max_length=UPDATE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep the update under %(limit_value)d characters.")},
    )
    public = forms.BooleanField(label=_("Show this update to the public"), required=False)
    close_reason = forms.ChoiceField(label=_("Reason for closing"), required=False)
    referred_to = forms.ChoiceField(label=_("Refer to"), required=False)

    def __init__(self, *args, report=None, close_reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        statuses = ReportStatus.choices
        if report is not None:
            # Only the moves the report's current status allows (actions.updates.TRANSITIONS).
            statuses = [(v, label) for v, label in statuses if can_transition(report.status, v)]
        self.fields["new_status"].choices = [("", _("Keep the current status")), *statuses]
        self.fields["close_reason"].choices = [("", _("No reason")), *close_reasons]
        bodies = Body.objects.all()
        if report is not None and getattr(report, "body_id", None):
            bodies = bodies.exclude(pk=report.body_id)
        self.fields["referred_to"].choices = [
            ("", _("No other body")),
            *sorted(((str(b.pk), str(b)) for b in bodies), key=lambda choice: choice[1]),
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose a value from the list.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and not cleaned.get("new_status"):
            self.add_error("text", _("Write an update or choose a new status."))
        return cleaned


class ReopenForm(forms.Form):
    text = forms.CharField(
        label=_("Why is it not solved?"),
        max_length=UPDATE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say in a few words why the problem is still there.")},
    )


class FixedForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=_("Is it fixed?"),
        choices=(("yes", _("Yes, it is fixed")), ("no", _("No, it is still there"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
