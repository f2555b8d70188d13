"""Forms of the learner's and the organisation manager's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from umbrella.training.models import AttemptItem, QuestionKind


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
        from umbrella.training.queries import courses_for_learners

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
