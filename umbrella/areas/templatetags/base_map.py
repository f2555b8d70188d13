"""What every map needs to draw its base: tiles or the self-hosted archive, labels.

``{% base_map_data %}`` goes inside a map's root element and writes its
``data-base-*`` attributes for ``areas/basemap.js``; ``{% base_map_scripts %}``
goes in the page's scripts block after Leaflet and loads protomaps-leaflet
(only when an archive is installed) and ``areas/basemap.js``.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from umbrella.areas.tiles import archive_path

register = template.Library()


def _pmtiles_url() -> str:
    # Checked per page: a deployer who drops the file in var/ sees it without a restart.
    return reverse("base-map-tiles") if archive_path() else ""


@register.inclusion_tag("areas/_base_map_data.html", takes_context=True)
def base_map_data(context, labels=True):
    return {
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "tile_url": settings.TILE_URL,
        "tile_attribution": settings.TILE_ATTRIBUTION,
        "pmtiles_url": _pmtiles_url(),
        "pmtiles_attribution": settings.PMTILES_ATTRIBUTION,
        "labels": labels,
    }


@register.inclusion_tag("areas/_base_map_scripts.html")
def base_map_scripts():
    return {"pmtiles_url": _pmtiles_url()}
