"""Forms of the learner's and the organisation manager's pages, and of the public
certificate check (a code typed from a printed certificate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from umbrella.training.courses.actions import CROCKFORD, format_code
from umbrella.training.courses.models import AttemptItem, QuestionKind
from umbrella.training.courses.queries import courses_for_learners, normalise_code


def question_field_name(item: AttemptItem) -> str:
    return f"q{item.question_id}"


class QuizForm(forms.Form):
    """One field per question drawn for an attempt: radio buttons for a single-choice
    question, checkboxes for a multiple-choice one. Every question needs an answer."""

    def __init__(self, items: list[AttemptItem], language: str, *args, **kwargs):
        # A question ends with its own "?": no ":" after it.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            question = item.question
            choices = [(str(c.pk), c.translated("text", language)) for c in question.choices.all()]
            label = _("Question %(number)s: %(text)s") % {
                "number": number,
                "text": question.translated("text", language),
            }
            field: forms.ChoiceField
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Tick every right answer."),
                    error_messages={
                        "required": _("Tick at least one answer to this question."),
                        "invalid_choice": _("Choose among the answers shown."),
                    },
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.RadioSelect,
                    help_text=_("Choose one answer."),
                    error_messages={
                        "required": _("Choose an answer to this question."),
                        "invalid_choice": _("Choose among the answers shown."),
                    },
                )
            self.fields[question_field_name(item)] = field

    def answers(self) -> dict[int, list[int]]:
        """Return the chosen choice ids by question id (after ``is_valid()``)."""
        result = {}
        for item in self.items:
            value = self.cleaned_data.get(question_field_name(item))
            values = value if isinstance(value, list) else [value]
            result[item.question_id] = [int(v) for v in values if v]
        return result


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.translated("title")


class CohortForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the group"),
        max_length=120,
        help_text=_("For example: Social workers, spring 2027."),
        error_messages={"required": _("Give the group a name.")},
    )
    course = CourseChoiceField(
        label=_("Course"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Choose a course."), "invalid_choice": _("Choose a course.")},
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day by which the members should hold the certificate."),
        error_messages={
            "required": _("Give a deadline."),
            "invalid": _("Enter the deadline as a date, for example 2027-06-30."),
        },
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["course"].queryset = courses_for_learners()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if self.today is not None and deadline < self.today:
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the staff member"),
        error_messages={
            "required": _("Enter an e-mail address."),
            "invalid": _("Enter an e-mail address such as name@example.org."),
        },
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=40,
        help_text=_("The code your organisation gave you, for example 7K2M-9QXA-TB."),
        error_messages={"required": _("Enter the join code.")},
    )


# --- The public certificate check ---------------------------------------------

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
