"""Admin for the geography: read-mostly, since ``load_brussels`` owns the rows.

Codes and boundaries come from the shipped files and other records point at
them, so the admin cannot add, delete or redraw an area; it can correct a
name, which the next ``load_brussels`` would overwrite from the files.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone, Population


class GeographyAdmin(admin.ModelAdmin):
    # The GeoJSON text is hundreds of kilobytes: never render it in a form.
    exclude = ("geometry",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PoliceZone)
class PoliceZoneAdmin(GeographyAdmin):
    list_display = ("code", "name_nl", "name_fr", "municipality_count")
    search_fields = ("code", "name_nl", "name_fr")
    readonly_fields = ("code",)

    @admin.display(description=_("municipalities"))
    def municipality_count(self, obj):
        return obj.municipalities.count()


@admin.register(Municipality)
class MunicipalityAdmin(GeographyAdmin):
    list_display = ("nis_code", "name_nl", "name_fr", "police_zone")
    list_filter = ("police_zone",)
    search_fields = ("nis_code", "name_nl", "name_fr")
    readonly_fields = ("nis_code", "police_zone", "centroid_lat", "centroid_lon")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(GeographyAdmin):
    list_display = ("code", "name_nl", "name_fr", "municipality")
    list_filter = ("municipality__police_zone", "municipality")
    list_select_related = ("municipality",)
    search_fields = ("=code", "name_nl", "name_fr")
    readonly_fields = ("code", "municipality")


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    # ``load_population`` records the rows from an official file; the admin shows them and
    # lets an operator delete one that was wrong (the figures then say "population not known").
    list_display = ("kind", "code", "residents", "source", "reference_date", "recorded_at")
    list_filter = ("kind", "source")
    search_fields = ("=code",)
    readonly_fields = ("kind", "code", "residents", "source", "reference_date", "recorded_at")

    def has_add_permission(self, request):
        return False
