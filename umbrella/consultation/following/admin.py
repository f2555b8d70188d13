"""Admin: the notices sent to followers (read-only).

E-mail followers are not listed: their addresses stay out of sight.
"""

from django.contrib import admin

from umbrella.consultation.following.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("pk", "channel", "status", "attempts", "created_at", "sent_at", "last_error")
    list_filter = ("channel", "status")
    fields = ("change", "channel", "status", "attempts", "created_at", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
