"""Pages of the geography: the map with its point lookup."""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from umbrella.areas import references
from umbrella.areas.locate import GeographyNotLoaded, locate
from umbrella.areas.models import PoliceZone
from umbrella.areas.validation import InvalidPoint, parse_point


@require_GET
def map_page(request):
    """Show the map; given ``?lat=&lon=``, also the areas of that point.

    The query is the no-JavaScript and keyboard path of the lookup: it
    answers with the same markup the map script writes.
    """
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    context = {"lat": lat or "", "lon": lon or "", "errors": {}}
    asked = lat is not None or lon is not None
    if asked:
        try:
            point = parse_point(lat, lon)
        except InvalidPoint as invalid:
            context["errors"] = invalid.errors
        else:
            try:
                context["location"] = locate(*point)
            except GeographyNotLoaded:
                context["unavailable"] = True
            else:
                # Six decimals (about 0.1 m), written as the map script writes them.
                context["point_lat"], context["point_lon"] = (str(round(v, 6)) for v in point)
                context["point_text"] = f"{context['point_lat']}, {context['point_lon']}"
    response = render(request, "areas/map.html", context)
    if asked:
        # The point may be where someone lives or works: keep it out of caches.
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def police_zones(request):
    """List the six police zones, each with its trafficking reference or the open gap."""
    by_zone = references.by_zone_code(None)
    zones = [
        {"zone": zone, "reference": by_zone.get(zone.code)}
        for zone in PoliceZone.objects.prefetch_related("municipalities").order_by("code")
    ]
    return render(request, "areas/police_zones.html", {"zones": zones})


@require_GET
def police_zone(request, code: str):
    """Show one police zone: its municipalities and its trafficking reference function."""
    zone = PoliceZone.objects.prefetch_related("municipalities").filter(code=code).first()
    if zone is None:
        raise Http404
    context = {
        "zone": zone,
        "municipalities": sorted(zone.municipalities.all(), key=lambda m: m.nis_code),
        "reference": references.by_zone_code(None).get(zone.code),
    }
    return render(request, "areas/police_zone.html", context)
