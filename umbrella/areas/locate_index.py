"""The point-in-area index itself: numpy and shapely, loaded on the first lookup.

See ``umbrella.areas.locate`` for how it answers and what it promises.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape

from umbrella.areas.locate import (
    CELL_SIZE_M,
    METRES_PER_DEGREE,
    NEIGHBOURHOOD_TOLERANCE_M,
    OUTSIDE,
    GeographyNotLoaded,
    Location,
    MunicipalityRef,
    NeighbourhoodRef,
    PoliceZoneRef,
)
from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone


@dataclass(frozen=True, slots=True)
class _Border:
    """A grid cell crossed by a border: the polygons to test for its points."""

    within_region: bool
    municipalities: tuple[int, ...]
    neighbourhoods: tuple[int, ...]


class LocateIndex:
    """A read-only point-in-area index over one set of municipalities and neighbourhoods."""

    def __init__(self, municipalities, neighbourhoods, cell_size_m: float = CELL_SIZE_M):
        """Build the index.

        ``municipalities`` is a sequence of ``(MunicipalityRef, PoliceZoneRef,
        geometry)`` and ``neighbourhoods`` of ``(NeighbourhoodRef, geometry)``,
        geometries in WGS84 lon/lat. Lookups test them in the order given.
        """
        if not municipalities:
            raise GeographyNotLoaded("No municipalities to index.")
        self._municipalities = [(m, z) for m, z, _ in municipalities]
        self._neighbourhoods = [n for n, _ in neighbourhoods]
        lonlat_m = [g for _, _, g in municipalities]
        lonlat_n = [g for _, g in neighbourhoods]

        minlon, minlat, maxlon, maxlat = shapely.total_bounds(lonlat_m)
        self._lon0, self._lat0 = float(minlon), float(minlat)
        self._kx = METRES_PER_DEGREE * math.cos(math.radians((minlat + maxlat) / 2))
        self._ky = METRES_PER_DEGREE
        self._m_geoms = self._project(lonlat_m)
        self._n_geoms = self._project(lonlat_n)
        self._region = self._fill_holes(shapely.union_all(self._m_geoms))
        for geoms in (self._m_geoms, self._n_geoms, [self._region]):
            shapely.prepare(geoms)
        self._m_tree = shapely.STRtree(self._m_geoms)
        self._n_tree = shapely.STRtree(self._n_geoms)

        self._cell = float(cell_size_m)
        width = (maxlon - minlon) * self._kx
        height = (maxlat - minlat) * self._ky
        self._nx = int(width // self._cell) + 1
        self._ny = int(height // self._cell) + 1
        # Degrees to cell units in one multiplication each on the fast path.
        self._cx = self._kx / self._cell
        self._cy = self._ky / self._cell
        self._locations: dict[tuple[int, int | None], Location] = {}
        self._cells = self._classify_cells()

    # -- building ----------------------------------------------------------

    def _project(self, geoms):
        origin = np.array([self._lon0, self._lat0])
        scale = np.array([self._kx, self._ky])
        return list(shapely.transform(list(geoms), lambda xy: (xy - origin) * scale))

    @staticmethod
    def _fill_holes(geom):
        parts = getattr(geom, "geoms", [geom])
        return shapely.union_all([shapely.Polygon(part.exterior) for part in parts])

    def _location(self, m: int, n: int | None) -> Location:
        # Memoised so equal answers share one object. Border lookups may add
        # an entry from several threads at once; that is harmless, since the
        # GIL keeps the dict consistent and any copy is an equal value.
        key = (m, n)
        if key not in self._locations:
            municipality, zone = self._municipalities[m]
            self._locations[key] = Location(
                True, municipality, zone, None if n is None else self._neighbourhoods[n]
            )
        return self._locations[key]

    def _classify_cells(self) -> list:
        grid_x, grid_y = np.meshgrid(np.arange(self._nx), np.arange(self._ny))
        ix, iy = grid_x.ravel(), grid_y.ravel()
        boxes = shapely.box(
            ix * self._cell, iy * self._cell, (ix + 1) * self._cell, (iy + 1) * self._cell
        )
        # The prepared polygon goes first in every predicate: shapely only
        # uses the preparation (its edge index) for the first argument, and
        # without it classifying the grid takes seconds instead of a blink.
        touches_region = shapely.intersects(self._region, boxes)
        within_region = shapely.contains(self._region, boxes)
        box_tree = shapely.STRtree(boxes)
        count = len(boxes)

        def touching(polygons):
            """Return (cells, polygons) pairs that intersect, sorted by cell."""
            polygon_ids, cell_ids = box_tree.query(polygons, predicate="intersects")
            order = np.lexsort((polygon_ids, cell_ids))
            return cell_ids[order], polygon_ids[order]

        def sole_container(polygons, touched_cells):
            """Return per cell the one polygon that contains it and no other touches, or -1."""
            polygon_ids, cell_ids = box_tree.query(polygons, predicate="contains")
            holder = np.full(count, -1)
            holder[cell_ids] = polygon_ids
            holder[np.bincount(touched_cells, minlength=count) != 1] = -1
            return holder

        m_cells, m_polys = touching(self._m_geoms)
        n_cells, n_polys = touching(self._n_geoms)
        m_holder = sole_container(self._m_geoms, m_cells)
        n_holder = sole_container(self._n_geoms, n_cells)

        cells: list = [OUTSIDE] * count
        inside = np.flatnonzero(touches_region & (m_holder >= 0) & (n_holder >= 0))
        for i, m, n in zip(
            inside.tolist(), m_holder[inside].tolist(), n_holder[inside].tolist(), strict=True
        ):
            cells[i] = self._location(m, n)
        border = np.flatnonzero(touches_region & ((m_holder < 0) | (n_holder < 0)))
        m_split = np.searchsorted(m_cells, border), np.searchsorted(m_cells, border, "right")
        n_split = np.searchsorted(n_cells, border), np.searchsorted(n_cells, border, "right")
        for k, i in enumerate(border.tolist()):
            cells[i] = _Border(
                bool(within_region[i]),
                tuple(m_polys[m_split[0][k] : m_split[1][k]].tolist()),
                tuple(n_polys[n_split[0][k] : n_split[1][k]].tolist()),
            )
        return cells

    # -- looking up --------------------------------------------------------

    def locate(self, lat: float, lon: float) -> Location:
        """Return the areas that hold the point (WGS84 degrees)."""
        fx = (lon - self._lon0) * self._cx
        fy = (lat - self._lat0) * self._cy
        # Written so that NaN and infinities fail the test and land outside.
        if 0.0 <= fx < self._nx and 0.0 <= fy < self._ny:
            cell = self._cells[int(fy) * self._nx + int(fx)]
            if cell.__class__ is Location:
                return cell
            return self._locate_at_border(cell, fx * self._cell, fy * self._cell)
        return OUTSIDE

    def _locate_at_border(self, cell: _Border, x: float, y: float) -> Location:
        if not cell.within_region and not shapely.intersects_xy(self._region, x, y):
            return OUTSIDE
        m = self._first_holding(self._m_geoms, cell.municipalities, x, y)
        if m is None:
            # A micro-hole between municipalities, inside the region.
            m = self._nearest(self._m_tree, x, y, None)
            if m is None:  # only with no municipality loaded at all
                return OUTSIDE
        n = self._first_holding(self._n_geoms, cell.neighbourhoods, x, y)
        if n is None:
            n = self._nearest(self._n_tree, x, y, NEIGHBOURHOOD_TOLERANCE_M)
        return self._location(m, n)

    @staticmethod
    def _first_holding(geoms, candidates, x, y) -> int | None:
        for i in candidates:
            if shapely.intersects_xy(geoms[i], x, y):
                return i
        return None

    @staticmethod
    def _nearest(tree, x, y, max_distance) -> int | None:
        found = tree.query_nearest(shapely.Point(x, y), max_distance=max_distance)
        return int(found.min()) if len(found) else None

    def stats(self) -> dict:
        """Return how the grid cells split into outside, inside and border cells."""
        outside = sum(1 for c in self._cells if c is OUTSIDE)
        border = sum(1 for c in self._cells if c.__class__ is _Border)
        return {
            "cells": len(self._cells),
            "cell_size_m": self._cell,
            "outside": outside,
            "inside": len(self._cells) - outside - border,
            "border": border,
        }


def build_index_from_database() -> LocateIndex:
    """Build a fresh index from the municipalities and neighbourhoods in the database."""
    zones = {
        z.pk: PoliceZoneRef(z.code, z.name_nl, z.name_fr)
        for z in PoliceZone.objects.only("code", "name_nl", "name_fr")
    }
    municipalities = [
        (
            MunicipalityRef(m.nis_code, m.name_nl, m.name_fr),
            zones[m.police_zone_id],
            shape(json.loads(m.geometry)),
        )
        for m in Municipality.objects.order_by("nis_code")
    ]
    neighbourhoods = [
        (NeighbourhoodRef(n.code, n.name_nl, n.name_fr), shape(json.loads(n.geometry)))
        for n in Neighbourhood.objects.order_by("code")
    ]
    if not municipalities:
        raise GeographyNotLoaded(
            "The database holds no municipalities: run `manage.py load_brussels`."
        )
    return LocateIndex(municipalities, neighbourhoods)
