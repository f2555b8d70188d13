"""Operator views of alarms. Precise locations and notes are left out: reading
them is for the people an alarm was routed to, through the audited routes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from umbrella.alarms.models import (
    Alarm,
    AlarmStep,
    CheckIn,
    Circle,
    Deadline,
    DutyShift,
    RoomButton,
    Tier,
)


class AlarmStepInline(admin.TabularInline):
    model = AlarmStep
    extra = 0
    can_delete = False
    fields = readonly_fields = ("kind", "at", "tier", "actor", "recipient_count")


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "status", "is_test", "is_duress", "current_tier", "raised_at"]
    list_filter = ["status", "source", "is_test", "is_duress"]
    date_hierarchy = "raised_at"
    fields = readonly_fields = (
        "owner",
        "source",
        "status",
        "is_test",
        "is_duress",
        "current_tier",
        "raised_at",
        "acknowledged_at",
        "acknowledged_by",
        "resolved_at",
        "resolved_by",
        "cancelled_at",
        "device",
        "nis_code",
        "zone_code",
        "neighbourhood_code",
        "location_erased_at",
    )
    inlines = [AlarmStepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Lets an operator see a deadline that is late or claimed by a dead worker."""

    list_display = ["id", "kind", "alarm", "checkin", "due_at", "claimed_by", "lease_until"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in Deadline._meta.fields]

    def has_add_permission(self, request):
        return False


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0
    fields = ["position", "kind", "delay_seconds", "organisation"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["owner", "police_opt_in", "updated_at"]
    readonly_fields = ["owner", "police_opt_in", "updated_at"]
    inlines = [TierInline]


@admin.register(RoomButton)
class RoomButtonAdmin(admin.ModelAdmin):
    list_display = ["room_label", "establishment", "device_key_prefix", "test_mode", "last_seen_at"]
    list_filter = ["test_mode"]
    exclude = ["device_key_hash"]
    readonly_fields = ["device_key_prefix", "created_at", "last_seen_at", "revoked_at"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "status", "started_at", "due_at"]
    list_filter = ["status"]
    exclude = ["note"]
    readonly_fields = ["owner", "started_at", "due_at", "grace_seconds", "status", "ended_at"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    """Weekly on-duty shifts of establishments' reference persons and support teams' rotas."""

    list_display = ["shift", "membership"]
    list_filter = ["weekday", "membership__organisation__kind"]
    search_fields = ["membership__user__username", "membership__organisation__name"]
    autocomplete_fields = ["membership"]

    @admin.display(description=_("shift"), ordering="weekday")
    def shift(self, obj: DutyShift) -> str:
        return obj.describe()
