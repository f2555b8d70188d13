"""Admin: service feedback, read-only and without the free text.

The free texts are read on the moderation page only (``feedback/views.py``, ``moderation``),
where every read is audited; the admin shows the answers and where each text stands.
"""

from django.contrib import admin

from umbrella.training.feedback.models import ServiceFeedback


@admin.register(ServiceFeedback)
class ServiceFeedbackAdmin(admin.ModelAdmin):
    list_display = ["service", "week_of", "respect", "real_name", "refused", "text_status"]
    list_filter = ["text_status", "respect", "refused", "real_name"]
    fields = readonly_fields = (
        "service",
        "week_of",
        "respect",
        "real_name",
        "refused",
        "text_status",
    )
    list_select_related = ["service__organization"]
    ordering = ["-week_of"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
