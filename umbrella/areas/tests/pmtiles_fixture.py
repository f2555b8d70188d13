"""A small but valid PMTiles v3 archive of vector tiles, written from scratch for the tests.

The format (github.com/protomaps/PMTiles, spec v3): a 127-byte header, a root
directory of (tile id, offset, length, run length) entries, JSON metadata, then
the tile data. Tile ids follow the Hilbert curve of each zoom level. The tiles
are Mapbox Vector Tiles (protobuf) with the layers the Protomaps basemap
style draws (``earth``, ``water``, ``roads``), so protomaps-leaflet paints
them as it would a real Brussels extract.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

# Gare du Nord, in the middle of the tiles written below.
CENTRE = (50.8602, 4.3614)
EXTENT = 4096


# -- Protocol buffers, as little as a vector tile needs ----------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return varint((field << 3) | wire)


def _bytes_field(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + varint(len(payload)) + payload


def _uint_field(field: int, value: int) -> bytes:
    return _key(field, 0) + varint(value)


def _zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 31)


def _geometry(kind: str, points: list[tuple[int, int]]) -> list[int]:
    """Encode a line or a closed ring as MVT commands (MoveTo, LineTo, ClosePath)."""
    commands = [(1 & 0x7) | (1 << 3)]
    x = y = 0
    first, *rest = points
    commands += [_zigzag(first[0] - x), _zigzag(first[1] - y)]
    x, y = first
    commands.append((2 & 0x7) | (len(rest) << 3))
    for px, py in rest:
        commands += [_zigzag(px - x), _zigzag(py - y)]
        x, y = px, py
    if kind == "polygon":
        commands.append((7 & 0x7) | (1 << 3))
    return commands


def _layer(name: str, features: list[tuple[str, list[tuple[int, int]], dict]]) -> bytes:
    keys: list[str] = []
    values: list[str] = []
    body = _uint_field(15, 2) + _bytes_field(1, name.encode())
    for kind, points, properties in features:
        tags = []
        for key, value in properties.items():
            if key not in keys:
                keys.append(key)
            if value not in values:
                values.append(value)
            tags += [keys.index(key), values.index(value)]
        geometry = _geometry(kind, points)
        feature = (
            _bytes_field(2, b"".join(varint(t) for t in tags))
            + _uint_field(3, 3 if kind == "polygon" else 2)
            + _bytes_field(4, b"".join(varint(c) for c in geometry))
        )
        body += _bytes_field(2, feature)
    for key in keys:
        body += _bytes_field(3, key.encode())
    for value in values:
        body += _bytes_field(4, _bytes_field(1, value.encode()))
    body += _uint_field(5, EXTENT)
    return _bytes_field(3, body)


def vector_tile() -> bytes:
    """A tile of land with a river and two named streets crossing it."""
    square = [(0, 0), (0, EXTENT), (EXTENT, EXTENT), (EXTENT, 0), (0, 0)]
    river = [(0, 2600), (0, 3000), (EXTENT, 2200), (EXTENT, 1800), (0, 2600)]
    return b"".join(
        [
            _layer("earth", [("polygon", square, {"kind": "earth"})]),
            _layer("water", [("polygon", river, {"kind": "water"})]),
            _layer(
                "roads",
                [
                    (
                        "line",
                        [(0, 800), (EXTENT, 1400)],
                        {"kind": "major_road", "name": "Rue du Progrès"},
                    ),
                    (
                        "line",
                        [(1800, 0), (2300, EXTENT)],
                        {"kind": "minor_road", "name": "Rue d'Aerschot"},
                    ),
                ],
            ),
        ]
    )


# -- The archive -------------------------------------------------------------------------------


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_id(z: int, x: int, y: int) -> int:
    """The tile's position on the Hilbert curves of all zoom levels (PMTiles v3)."""
    acc = ((1 << (2 * z)) - 1) // 3
    xy = [x, y]
    d = 0
    s = (1 << z) // 2
    while s > 0:
        rx = 1 if xy[0] & s else 0
        ry = 1 if xy[1] & s else 0
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                xy = [s - 1 - xy[0], s - 1 - xy[1]]
            xy = [xy[1], xy[0]]
        s //= 2
    return acc + d


def _directory(entries: list[tuple[int, int, int]]) -> bytes:
    """Entries (tile id, offset, length), sorted, each a run of one tile."""
    out = varint(len(entries))
    last = 0
    for tid, _, _ in entries:
        out += varint(tid - last)
        last = tid
    out += b"".join(varint(1) for _ in entries)
    out += b"".join(varint(length) for _, _, length in entries)
    previous_end = None
    for _, offset, length in entries:
        out += varint(0 if offset == previous_end else offset + 1)
        previous_end = offset + length
    return out


def write_archive(
    path: Path, zooms: range = range(0, 15), centre: tuple[float, float] = CENTRE
) -> Path:
    """Write an archive with one vector tile per zoom level, the one holding ``centre``."""
    tile = vector_tile()
    # Every entry points at the same bytes, as PMTiles deduplicates identical tiles.
    entries = sorted((tile_id(z, *tile_of(*centre, z)), 0, len(tile)) for z in zooms)
    root = _directory(entries)
    metadata = json.dumps(
        {
            "name": "umbrella-test",
            "attribution": "test tiles",
            "vector_layers": [{"id": name, "fields": {}} for name in ("earth", "water", "roads")],
        }
    ).encode()
    root_offset = 127
    metadata_offset = root_offset + len(root)
    data_offset = metadata_offset + len(metadata)
    lat, lon = centre
    header = b"PMTiles" + struct.pack(
        "<B" + "Q" * 11 + "BBBBBB" + "iiii" + "B" + "ii",
        3,
        root_offset,
        len(root),
        metadata_offset,
        len(metadata),
        data_offset,  # leaf directories: none
        0,
        data_offset,
        len(tile),
        len(entries),  # addressed tiles
        len(entries),  # tile entries
        1,  # tile contents
        0,  # not clustered (every entry points at the same bytes)
        1,  # internal compression: none
        1,  # tile compression: none
        1,  # tile type: mvt
        min(zooms),
        max(zooms),
        int(4.24 * 1e7),
        int(50.76 * 1e7),
        int(4.48 * 1e7),
        int(50.92 * 1e7),
        12,
        int(lon * 1e7),
        int(lat * 1e7),
    )
    assert len(header) == 127
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + root + metadata + tile)
    return path
