"""A map of the 19 municipalities as SVG, shaded by a figure (a choropleth).

The outlines are the shipped boundaries (``umbrella.areas``, loaded from
``data/brussels/``), projected onto a plane (equirectangular, centred on the
region, as ``areas.locate_index`` does) and simplified to about 15 m, which
keeps the outlines near 20 KB. The page carries them once (``outlines_svg``)
and each map draws them with ``<use>``, so a page of fifteen maps stays light.
A suppressed municipality is hatched as in the charts, never shaded as 0; one
without a figure stays white. The table beside the map gives every value (the
map is one image, named and described).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from umbrella.observatory.charts import (
    BAR,
    INK,
    MUTED,
    format_value,
    hatch_pattern,
    nice_ceiling,
    period_label,
    suppressed_text,
)

MAP_WIDTH = 560
OUTLINE_ID = "municipality-outline-"
SIMPLIFY_METRES = 15
CLASSES = 4
_lock = threading.Lock()
_shapes_cache: tuple[list[Shape], float] | None = None


@dataclass(frozen=True)
class Shape:
    code: str  # NIS code
    path: str  # SVG path data in map units


def _mix(colour: str, share: float) -> str:
    """Return ``colour`` blended with white: ``share`` 1 is the colour itself."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in rgb)


SHADES = [_mix(BAR, share) for share in (0.2, 0.45, 0.7, 1.0)]


def _project(rows: list[tuple[str, dict]]) -> tuple[list[Shape], float]:
    import shapely
    from shapely.geometry import shape

    geometries = [(code, shape(geometry)) for code, geometry in rows]
    min_lon = min(g.bounds[0] for _c, g in geometries)
    min_lat = min(g.bounds[1] for _c, g in geometries)
    max_lon = max(g.bounds[2] for _c, g in geometries)
    max_lat = max(g.bounds[3] for _c, g in geometries)
    lat0 = math.radians((min_lat + max_lat) / 2)
    metres_per_degree = 111_320
    width_m = (max_lon - min_lon) * metres_per_degree * math.cos(lat0)
    scale = MAP_WIDTH / width_m
    height = (max_lat - min_lat) * metres_per_degree * scale

    def to_map(coords):
        projected = coords.copy()
        projected[:, 0] = (coords[:, 0] - min_lon) * metres_per_degree * math.cos(lat0) * scale
        projected[:, 1] = (max_lat - coords[:, 1]) * metres_per_degree * scale
        return projected

    shapes = []
    for code, geometry in geometries:
        projected = shapely.transform(geometry, to_map).simplify(SIMPLIFY_METRES * scale)
        polygons = getattr(projected, "geoms", [projected])
        path = []
        for polygon in polygons:
            for ring in [polygon.exterior, *polygon.interiors]:
                points = list(ring.coords)
                path.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points[:-1]) + "Z")
        shapes.append(Shape(code=code, path="".join(path)))
    return shapes, height


def municipality_shapes() -> tuple[list[Shape], float]:
    """Return the municipalities' outlines in map units and the map's height (cached).

    An empty list when the geography is not loaded (then the page shows the table only).
    """
    global _shapes_cache
    with _lock:
        if _shapes_cache is None:
            from umbrella.areas.models import Municipality

            rows = [
                (code, json.loads(geometry))
                for code, geometry in Municipality.objects.order_by("nis_code").values_list(
                    "nis_code", "geometry"
                )
            ]
            if not rows:
                return [], 0.0
            _shapes_cache = _project(rows)
        return _shapes_cache


def reset_map_cache() -> None:
    """Forget the projected outlines (after new boundaries are loaded; in tests)."""
    global _shapes_cache
    with _lock:
        _shapes_cache = None


def outlines_svg() -> SafeString:
    """Return the municipalities' outlines, once per page, for the maps' ``<use>`` to draw."""
    shapes, _height = municipality_shapes()
    paths = "".join(
        f'<path id="{OUTLINE_ID}{escape(shape.code)}" d="{shape.path}"/>' for shape in shapes
    )
    return mark_safe(  # noqa: S308 -- codes are escaped, paths are numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-outlines" aria-hidden="true" '
        f'focusable="false" width="0" height="0"><defs>{paths}</defs></svg>'
    )


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    text: str
    hatched: bool = False


@dataclass(frozen=True)
class MunicipalityMap:
    uid: str
    title: str
    description: str
    svg_text: str
    legend: list[LegendEntry]

    def svg(self) -> SafeString:
        return mark_safe(self.svg_text)  # noqa: S308 -- every text is escaped when built


def municipality_map(dataset, cells: Sequence, *, uid: str, period: str) -> MunicipalityMap | None:
    """Draw ``cells`` (one period, by municipality) as a shaded map; ``None`` without geography."""
    shapes, height = municipality_shapes()
    if not shapes:
        return None
    by_code = {cell.area.code: cell for cell in cells}
    values = [c.value for c in cells if not c.suppressed and c.value is not None]
    top = 1.0 if dataset.unit == "share" and values else nice_ceiling(max(values, default=0))
    step = top / CLASSES
    legend = [
        LegendEntry(
            fill=SHADES[i],
            text=_("%(low)s to %(high)s")
            % {
                "low": format_value(i * step, dataset.unit),
                "high": format_value((i + 1) * step, dataset.unit),
            },
        )
        for i in range(CLASSES)
    ]
    hatch = f"{uid}-hatch"
    legend.append(LegendEntry(fill=f"url(#{hatch})", text=suppressed_text(), hatched=True))
    legend.append(LegendEntry(fill="#ffffff", text=_("no figure")))
    title = _("%(figure)s by municipality, %(period)s") % {
        "figure": str(dataset.title),
        "period": period_label(period),
    }
    description = _(
        "Map of the 19 municipalities, darker where the figure is higher. Hatched "
        "municipalities are suppressed (fewer than 10). The table beside the map gives "
        "every value."
    )
    legend_top = height + 12
    total_height = legend_top + 22 * len(legend) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-map" role="img" '
        f'viewBox="0 0 {MAP_WIDTH} {total_height:.0f}" aria-labelledby="{uid}-title {uid}-desc" '
        f'font-family="sans-serif" font-size="13">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(description)}</desc>',
        f"<defs>{hatch_pattern(hatch)}</defs>",
    ]
    for shape in shapes:
        cell = by_code.get(shape.code)
        if cell is None:
            fill, kind = "#ffffff", "none"
        elif cell.suppressed or cell.value is None:
            fill, kind = f"url(#{hatch})", "suppressed"
        else:
            index = min(CLASSES - 1, int(max(cell.value, 0) / step)) if step else 0
            fill, kind = SHADES[index], "value"
        parts.append(
            f'<use href="#{OUTLINE_ID}{escape(shape.code)}" data-code="{escape(shape.code)}" '
            f'data-kind="{kind}" fill="{fill}" stroke="{INK}" stroke-width="1" '
            f'fill-rule="evenodd"/>'
        )
    for i, entry in enumerate(legend):
        y = legend_top + 22 * i
        parts.append(
            f'<rect x="0" y="{y:.0f}" width="18" height="14" fill="{entry.fill}" '
            f'stroke="{MUTED}"/><text x="26" y="{y + 12:.0f}" fill="{INK}">'
            f"{escape(entry.text)}</text>"
        )
    parts.append("</svg>")
    return MunicipalityMap(
        uid=uid, title=title, description=description, svg_text="".join(parts), legend=legend
    )
