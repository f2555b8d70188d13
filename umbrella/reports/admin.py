"""Admin of the routing matrix (bodies, categories, rules, contacts), the guard's words,
and read-only views of reports and of the notifications sent to bodies.

Reports are handled on the staff pages, not here: the admin lists their
metadata only — never the text, the precise point, the e-mail or the photo —
so that a platform operator never reads a confidential report.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umbrella.reports.actions import retry_now
from umbrella.reports.models import (
    Body,
    BodyNotification,
    Category,
    Contact,
    GuardTerm,
    NotificationAttempt,
    NotificationStatus,
    Report,
    RoutingRule,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("category", "channel", "endpoint", "secret", "remote_service_code", "active")


class RuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    fields = ("target", "body", "only_in", "condition", "active")
    autocomplete_fields = ("body",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "organisation", "mediates", "active", "to_verify")
    list_filter = ("kind", "active", "mediates", "to_verify")
    search_fields = ("code", "name_nl", "name_fr", "name_en")
    autocomplete_fields = ("organisation",)
    inlines = [ContactInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "confidential", "guarded", "active", "position")
    list_filter = ("group", "confidential", "active")
    search_fields = ("code", "name_nl", "name_fr", "name_en")
    inlines = [RuleInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "target", "body", "only_in", "condition", "active")
    list_filter = ("target", "condition", "active", "category")
    autocomplete_fields = ("body",)


@admin.register(GuardTerm)
class GuardTermAdmin(admin.ModelAdmin):
    list_display = ("term", "kind", "language", "active")
    list_editable = ("active",)
    list_filter = ("kind", "language", "active")
    search_fields = ("term",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Metadata only; nothing can be changed here."""

    list_display = (
        "id",
        "category",
        "status",
        "body",
        "municipality",
        "confidential",
        "moderation_status",
        "created_at",
    )
    list_filter = ("status", "confidential", "moderation_status", "category", "source")
    fields = (
        "category",
        "status",
        "close_reason",
        "body",
        "referred_to",
        "municipality",
        "police_zone",
        "neighbourhood",
        "reporter_kind",
        "language",
        "source",
        "confidential",
        "is_public",
        "guard_flagged",
        "moderation_status",
        "created_at",
        "first_response_at",
        "fixed_at",
        "closed_at",
        "precise_erased_at",
    )
    readonly_fields = fields
    list_select_related = ("category", "body", "municipality")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AttemptInline(admin.TabularInline):
    model = NotificationAttempt
    extra = 0
    can_delete = False
    fields = ("at", "ok", "http_status", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Send again now"))
def send_again(modeladmin, request, queryset):
    now = timezone.now()
    for notification in queryset.exclude(status=NotificationStatus.SENT):
        retry_now(notification, now=now)


@admin.register(BodyNotification)
class BodyNotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "report_id",
        "body",
        "channel",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "channel", "event")
    fields = (
        "report_id",
        "body",
        "contact",
        "channel",
        "event",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "remote_id",
    )
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = [send_again]

    def has_add_permission(self, request):
        return False
