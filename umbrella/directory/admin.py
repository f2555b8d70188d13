"""Admin of the directory, scoped per organisation, every save written to the change log.

Platform administrators (superusers) see everything. Anyone else with admin
access (``is_staff`` and the directory permissions, granted by an
administrator) sees and edits only the entries of the organisations they are
a member of: their organisation, its services and locations, and their hours.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umbrella.directory import actions
from umbrella.directory.models import (
    ChangeLogEntry,
    Facility,
    HolidaySchedule,
    Location,
    Organization,
    Phone,
    RegularSchedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TraffickingReference,
    stale_filter,
)
from umbrella.training.feedback.queries import LABEL_DATE_HELP, LABEL_SOURCE_HELP


class StaleFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Not verified for six months")), ("no", _("Verified recently"))]

    def queryset(self, request, queryset):
        stale = stale_filter(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(stale)
        if self.value() == "no":
            return queryset.exclude(stale)
        return queryset


class LoggedAdmin(admin.ModelAdmin):
    """Save and delete through the actions, so each change is logged with its author."""

    # The path from this model to the organisation whose members may edit it;
    # None: only platform administrators.
    organisation_path: str | None = None
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        actions.save_entry(obj, request.user)

    def delete_model(self, request, obj):
        actions.delete_entry(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.delete_entry(obj, request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            actions.delete_entry(obj, request.user)
        for obj in instances:
            actions.save_entry(obj, request.user)
        formset.save_m2m()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices too are scoped: a list of other organisations' locations
        # would name confidential addresses.
        if not request.user.is_superuser:
            mine = request.user.memberships.values_list("organisation_id", flat=True)
            model = db_field.related_model
            if model._meta.label == "accounts.Organisation":
                kwargs["queryset"] = model.objects.filter(pk__in=mine)
            elif model in _SCOPES:
                kwargs["queryset"] = model.objects.filter(**{f"{_SCOPES[model]}__in": mine})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if self.organisation_path is None:
            return queryset.none()
        mine = request.user.memberships.values_list("organisation_id", flat=True)
        return queryset.filter(**{f"{self.organisation_path}__in": mine})


_SCOPES = {
    Organization: "accounts_organisation",
    Service: "organization__accounts_organisation",
    Location: "organization__accounts_organisation",
    ServiceAtLocation: "service__organization__accounts_organisation",
}


# Every kind of entry an editor writes, and its path to the editing organisation:
# the change log rows an editor may read.
_LOGGED_SCOPES = {
    **_SCOPES,
    RegularSchedule: "service_at_location__service__organization__accounts_organisation",
    HolidaySchedule: "service_at_location__service__organization__accounts_organisation",
    Phone: "service__organization__accounts_organisation",
    ServiceLanguage: "service__organization__accounts_organisation",
}


class ScheduleInline(admin.TabularInline):
    extra = 0


class RegularInline(ScheduleInline):
    model = RegularSchedule
    fields = ("weekday", "opens_at", "closes_at")


class HolidayInline(ScheduleInline):
    model = HolidaySchedule
    fields = ("starts_on", "ends_on", "closed", "opens_at", "closes_at")


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fk_name = "service"
    fields = ("number", "description_nl", "description_fr", "description_en")


class LanguageInline(admin.TabularInline):
    model = ServiceLanguage
    extra = 0


_UPKEEP = (_("Verification"), {"fields": ("to_verify", "last_verified_on", "is_demo")})


@admin.register(Organization)
class OrganizationAdmin(LoggedAdmin):
    organisation_path = "accounts_organisation"
    list_display = ("name", "to_verify", "last_verified_on", "is_demo")
    list_filter = ("to_verify", StaleFilter, "is_demo")
    search_fields = ("name", "description_nl", "description_fr", "description_en")
    prepopulated_fields = {"slug": ("name",)}


class ServiceAdminForm(forms.ModelForm):
    class Meta:
        # Shown under the read-only label fields: where their value comes from.
        help_texts = {
            "trained_non_stigmatising": LABEL_SOURCE_HELP,
            "trained_on": LABEL_DATE_HELP,
        }


@admin.register(Service)
class ServiceAdmin(LoggedAdmin):
    organisation_path = "organization__accounts_organisation"
    form = ServiceAdminForm
    # The training app's hourly refresh sets the label (training.feedback.actions):
    # a hand-ticked box would be overwritten within the hour.
    readonly_fields = ("trained_non_stigmatising", "trained_on")
    list_display = ("__str__", "category", "status", "to_verify", "last_verified_on")
    list_filter = ("category", "status", "to_verify", StaleFilter, "anonymous", "free")
    list_select_related = ("organization",)
    search_fields = ("name_nl", "name_fr", "name_en", "organization__name")
    inlines = [LanguageInline, PhoneInline]


@admin.register(Location)
class LocationAdmin(LoggedAdmin):
    organisation_path = "organization__accounts_organisation"
    list_display = ("__str__", "municipality", "confidential", "approximate", "to_verify")
    list_filter = ("confidential", "approximate", "to_verify", StaleFilter, "municipality")
    list_select_related = ("municipality",)
    search_fields = ("name_nl", "name_fr", "name_en", "address")
    readonly_fields = ("municipality", "police_zone", "neighbourhood")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "organization" in form.base_fields:
            # A location without an organisation would be out of its editor's
            # reach (and scope) the moment it is saved.
            form.base_fields["organization"].required = True
        return form

    def get_readonly_fields(self, request, obj=None):
        # Without coordinates the municipality is set by hand.
        if obj is not None and not obj.has_point():
            return ("police_zone", "neighbourhood")
        return self.readonly_fields


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(LoggedAdmin):
    organisation_path = "service__organization__accounts_organisation"
    list_display = ("__str__", "to_verify")
    list_select_related = ("service__organization", "location")
    inlines = [RegularInline, HolidayInline]


@admin.register(Facility)
class FacilityAdmin(LoggedAdmin):
    list_display = ("__str__", "kind", "status", "free", "manager", "source", "is_demo")
    list_filter = ("kind", "status", "free", "manager", "to_verify", StaleFilter, "is_demo")
    list_select_related = ("location",)
    search_fields = ("location__name_fr", "location__name_nl", "location__address", "source_id")
    inlines = [RegularInline, HolidayInline]


@admin.register(TraffickingReference)
class TraffickingReferenceAdmin(LoggedAdmin):
    list_display = ("police_zone", "function_en", "phone", "email", "to_verify")
    list_select_related = ("police_zone",)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "changed_by", "object_type", "object_repr", "field")
    list_filter = ("object_type",)
    search_fields = ("object_repr", "field")
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]

    def has_view_permission(self, request, obj=None):
        # Old values may hold confidential addresses of any organisation:
        # an editor reads the log of their own organisations' entries only.
        if request.user.is_superuser:
            return True
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        mine = request.user.memberships.values_list("organisation_id", flat=True)
        own = models.Q(pk__in=[])
        for model, path in _LOGGED_SCOPES.items():
            ids = model.objects.filter(**{f"{path}__in": mine}).values_list("pk", flat=True)
            own |= models.Q(
                object_type=model._meta.label_lower, object_id__in=[str(pk) for pk in ids]
            )
        return queryset.filter(own)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
