"""Admin: courses, modules, lessons, questions, cohorts, certificates.

The course text lives in the content files (``manage.py load_training``
overwrites it), so the content is read-only here. Certificates can be revoked
(an action), never edited.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.training.courses import actions
from umbrella.training.courses.models import (
    Attempt,
    Certificate,
    Cohort,
    CohortMember,
    Course,
    Lesson,
    Module,
    Question,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "slug", "title_en", "estimated_minutes", "retired")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("slug", "title_en", "version", "passing_score", "questions_per_quiz")
    inlines = [ModuleInline]


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = ("position", "slug", "title_nl", "title_fr", "title_en")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ("course", "position", "slug", "title_en", "retired")
    list_filter = ("course", "retired")
    inlines = [LessonInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("slug", "module", "kind", "in_bank")
    list_filter = ("module__course", "kind", "in_bank")
    search_fields = ("slug", "text_en", "text_nl", "text_fr")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ("user", "module", "started_at", "finished_at", "score", "passed")
    list_filter = ("passed", "module__course")
    date_hierarchy = "started_at"


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("code", "user", "course", "issued_at", "valid_until", "revoked_at")
    list_filter = ("course",)
    search_fields = ("code", "user__username")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        # Needed for the revoke action; every field stays read-only.
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Revoke the selected certificates"))
    def revoke(self, request, queryset):
        now = timezone.now()
        count = 0
        for certificate in queryset:
            actions.revoke_certificate(certificate, now)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d certificate revoked.", "%(count)d certificates revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class CohortMemberInline(admin.TabularInline):
    model = CohortMember
    fields = ("user", "joined_at")
    readonly_fields = fields
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "course", "deadline")
    list_filter = ("course", "organisation")
    readonly_fields = ("join_code", "created_by", "created_at")
    inlines = [CohortMemberInline]

    def save_model(self, request, obj, form, change):
        if not obj.join_code:
            obj.join_code = actions.new_join_code()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
