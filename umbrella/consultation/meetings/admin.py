"""Admin: meetings, their documents and participations, minutes, decisions, e-mails.

The secretary works on the site's own pages (which go through the actions);
the admin is for platform administrators to correct records. Minutes and
decisions are read-only here: their life cycle and their links to the
recommendations belong to the actions.
"""

from django.contrib import admin

from umbrella.consultation.meetings.models import (
    AgendaDocument,
    AgendaItem,
    Decision,
    Meeting,
    MeetingMail,
    Minutes,
    Participation,
    Reminder,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "parent", "title_nl", "title_fr", "title_en", "duration_minutes"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "starts_at", "visibility"]
    list_filter = ["body", "visibility"]
    date_hierarchy = "starts_at"
    search_fields = ["title_nl", "title_fr", "title_en", "place"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [AgendaItemInline]


@admin.register(AgendaDocument)
class AgendaDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "agenda_item", "content_type", "size", "added_at"]
    readonly_fields = ["file", "content_type", "size", "added_at"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "member", "invited_at", "registered_at", "attended"]
    list_filter = ["meeting__body", "attended"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "status", "approved_by_meeting", "published_at"]
    list_filter = ["status"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "meeting", "agenda_item", "decided_at", "recorded_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "member", "status", "sent_at"]
    list_filter = ["status"]


@admin.register(MeetingMail)
class MeetingMailAdmin(ReadOnlyAdmin):
    """Every attempt to e-mail an invitation or a reminder (retries are new rows)."""

    list_display = ["meeting", "member", "kind", "attempt", "status", "due_at", "sent_at", "error"]
    list_filter = ["kind", "status"]
