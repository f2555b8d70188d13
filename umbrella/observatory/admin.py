"""The roll-up in the admin: read-only, for operators checking a refresh."""

from django.contrib import admin

from umbrella.observatory.models import Tally, Watermark


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Watermark)
class WatermarkAdmin(ReadOnly):
    list_display = ("source", "refreshed_until", "generation")


@admin.register(Tally)
class TallyAdmin(ReadOnly):
    list_display = ("measure", "month", "nis_code", "bucket", "count")
    list_filter = ("measure",)
    date_hierarchy = "month"
