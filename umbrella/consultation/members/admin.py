"""Admin: platform bodies and their members (seats).

The secretary works on the site's own pages (which go through the actions);
the admin is for platform administrators to correct records.
"""

from django.contrib import admin

from umbrella.consultation.members.models import Body, Member


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name_en", "kind", "slug", "parent"]
    list_filter = ["kind"]
    search_fields = ["name_nl", "name_fr", "name_en", "slug"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["organisation", "representative", "body", "category", "position", "left_on"]
    list_filter = ["body", "category", "position"]
    search_fields = ["organisation__name", "representative__username"]
    autocomplete_fields = ["organisation", "representative"]
