"""Admin: recommendations, their milestones and their history.

Status, progress and milestones are changed on the tracker's own pages
(``update_recommendation``, ``save_milestone``) so that every change leaves a
trace; here they are read-only. Editing a parent or a weight recomputes the
roll-up.
"""

from django.contrib import admin

from umbrella.consultation.tracker.actions import recompute_tree, record_edit
from umbrella.consultation.tracker.models import (
    Milestone,
    Recommendation,
    RecommendationChange,
    RecommendationIndicator,
    Responsibility,
)


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 1


class IndicatorInline(admin.TabularInline):
    model = RecommendationIndicator
    extra = 1


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    readonly_fields = ("due_on", "title_nl", "title_fr", "title_en", "evidence_url", "done")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("number", "title_en", "status", "progress", "parent", "highlighted")
    list_filter = ("status", "highlighted", "as_reported")
    search_fields = ("title_nl", "title_fr", "title_en", "slug")
    readonly_fields = ("status", "progress", "updated_at", "created_at")
    inlines = (ResponsibilityInline, IndicatorInline, MilestoneInline)

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        old_parent = None
        if change:
            old_parent = (
                Recommendation.objects.filter(pk=obj.pk).values_list("parent_id", flat=True).first()
            )
        if not obj.updated_at:
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if not change or {"parent", "weight"} & set(form.changed_data):
            recompute_tree(obj, by=request.user)
            if old_parent and old_parent != obj.parent_id:
                recompute_tree(Recommendation.objects.get(pk=old_parent), by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return  # a new recommendation: its creation is in the admin log
        # Every edit leaves a change row in the recommendation's history (who, what, when),
        # not only Django's admin log.
        fields = [name for name in form.changed_data if name not in self.readonly_fields]
        for formset in formsets:
            if formset.model is Milestone:
                continue  # read-only here; milestones are traced by save_milestone
            if formset.new_objects or formset.changed_objects or formset.deleted_objects:
                fields.append(formset.fk.remote_field.related_name)
        record_edit(form.instance, by=request.user, fields=fields)

    def delete_model(self, request, obj):
        parent = obj.parent
        super().delete_model(request, obj)
        if parent is not None:
            recompute_tree(parent, by=request.user)

    def delete_queryset(self, request, queryset):
        parents = {r.parent_id for r in queryset if r.parent_id}
        super().delete_queryset(request, queryset)
        for parent in Recommendation.objects.filter(pk__in=parents):
            recompute_tree(parent, by=request.user)


@admin.register(RecommendationChange)
class RecommendationChangeAdmin(admin.ModelAdmin):
    list_display = (
        "recommendation",
        "kind",
        "changed_by",
        "changed_at",
        "old_progress",
        "new_progress",
    )
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
