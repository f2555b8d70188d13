"""The form that gives an organisation a seat. It validates input; the action decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from umbrella.consultation.members.models import Body, MemberCategory, Position


class MemberForm(forms.Form):
    """Give an organisation a seat (secretary or chair)."""

    body = forms.ModelChoiceField(
        label=pgettext_lazy("consultation body", "Body"),
        queryset=Body.objects.all(),
        empty_label=None,
    )
    # Its queryset is set in __init__, where Organisation is imported.
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None
    )
    representative = forms.CharField(label=_("Representative's user name"), max_length=150)
    category = forms.ChoiceField(label=_("Member category"))
    position = forms.ChoiceField(label=_("Position"))

    def __init__(self, *args, bodies=None, **kwargs):
        from umbrella.accounts.models import Organisation

        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = bodies
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["category"].choices = MemberCategory.choices
        self.fields["position"].choices = Position.choices
        self.fields["position"].initial = Position.MEMBER

    def clean_representative(self):
        from umbrella.accounts.models import User

        name = self.cleaned_data["representative"].strip()
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No one has this user name."))
        return user
