"""Forms of the meeting pages. They validate input; the actions decide and write."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from umbrella.consultation.meetings.models import Visibility
from umbrella.consultation.members.models import Body

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(
        label=pgettext_lazy("consultation body", "Body"),
        queryset=Body.objects.all(),
        empty_label=None,
    )
    title_nl = forms.CharField(label=_("Title in Dutch"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts at (Brussels time)"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at (Brussels time)"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https", max_length=200
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            # A chair plans meetings of the body she chairs only.
            self.fields["body"].queryset = bodies


class AgendaItemForm(forms.Form):
    title_nl = forms.CharField(label=_("Title in Dutch"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, initial=15
    )
    parent = forms.TypedChoiceField(
        label=_("Sub-point of"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        top = meeting.agenda_items.filter(parent=None) if meeting is not None else []
        self.fields["parent"].choices = [("", _("(a main point)"))] + [
            (item.pk, item.title) for item in top
        ]


class DocumentForm(forms.Form):
    agenda_item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int)
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(
        label=_("File (PDF, OpenDocument, Office, PNG, JPEG, text; at most 10 MB)"),
        required=False,
    )
    url = forms.URLField(
        label=_("Or a link to the document"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = meeting.agenda_items.all() if meeting is not None else []
        self.fields["agenda_item"].choices = [(item.pk, item.title) for item in items]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (m.pk, f"{m.organisation.name} ({m.representative.username})") for m in members
        ]


class MinutesForm(forms.Form):
    text_nl = forms.CharField(label=_("Minutes in Dutch"), widget=forms.Textarea, required=False)
    text_fr = forms.CharField(label=_("Minutes in French"), widget=forms.Textarea, required=False)
    text_en = forms.CharField(label=_("Minutes in English"), widget=forms.Textarea, required=False)


class ApproveForm(forms.Form):
    at_meeting = forms.TypedChoiceField(label=_("Approved at the meeting of"), coerce=int)

    def __init__(self, *args, later_meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].choices = [
            (m.pk, f"{m.title} ({m.starts_at:%d/%m/%Y})") for m in later_meetings
        ]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea, max_length=4000)


def recommendation_model():
    """Return the tracker's Recommendation model, or ``None`` while it does not exist."""
    try:
        return apps.get_model("consultation", "Recommendation")
    except LookupError:
        return None


class DecisionForm(forms.Form):
    text_nl = forms.CharField(label=_("Decision in Dutch"), widget=forms.Textarea, required=False)
    text_fr = forms.CharField(label=_("Decision in French"), widget=forms.Textarea, required=False)
    text_en = forms.CharField(label=_("Decision in English"), widget=forms.Textarea, required=False)
    agenda_item = forms.TypedChoiceField(
        label=_("Agenda item"), coerce=int, required=False, empty_value=None
    )
    recommendation = forms.TypedChoiceField(
        label=_("Recommendation it moves"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("New status of the recommendation"), required=False)
    progress = forms.IntegerField(
        label=_("New progress of the recommendation (%)"),
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = meeting.agenda_items.all() if meeting is not None else []
        self.fields["agenda_item"].choices = [("", _("(none)"))] + [
            (item.pk, item.title) for item in items
        ]
        model = recommendation_model()
        self.recommendations = {}
        if model is None:
            for name in ("recommendation", "status", "progress"):
                del self.fields[name]
            return
        self.recommendations = {r.pk: r for r in model.objects.all()}
        self.fields["recommendation"].choices = [("", _("(none)"))] + [
            (pk, str(r)) for pk, r in self.recommendations.items()
        ]
        self.fields["status"].choices = [("", _("(unchanged)"))] + list(
            model._meta.get_field("status").choices
        )

    def moves(self) -> list:
        """Return the ``(recommendation, status, progress)`` moves of a valid form."""
        pk = self.cleaned_data.get("recommendation")
        if not pk:
            return []
        status = self.cleaned_data.get("status") or None
        progress = self.cleaned_data.get("progress")
        return [(self.recommendations[pk], status, progress)]

    def clean(self):
        data = super().clean()
        if data.get("recommendation") and data.get("recommendation") not in self.recommendations:
            self.add_error("recommendation", _("Choose a recommendation from the list."))
        if data.get("recommendation") and not data.get("status") and data.get("progress") is None:
            self.add_error("progress", _("Give the new status, the new progress, or both."))
        if (data.get("status") or data.get("progress") is not None) and not data.get(
            "recommendation"
        ):
            self.add_error("recommendation", _("Choose the recommendation this decision moves."))
        return data
