"""Disclosure control: which cells of a figure may be published (docs/observatory.md).

Pure functions over plain data (no ORM, no Django), so the policy can be
tested exhaustively. A figure is a *cube*: one count per (area, period) for
every node of two hierarchies, areas (region > police zone > municipality)
and periods (year > quarter > month). Every parent equals the sum of its
children, so the published cells are tied by linear equations, and a hidden
cell must stay hidden once an attacker combines all of them:

1. primary suppression: a count of 1 to ``K - 1`` is never published;
2. complementary suppression: in every two-way sub-table (a parent area and
   its children × a parent period and its children, totals included) each
   hidden cell must lie on a *feasible cycle* of hidden cells: a change
   +1/-1/+1/… along it keeps every equation true and every count ≥ 0, so
   at least two tables agree with everything published;
3. a global check: every hidden cell must stay linearly undetermined by all
   the equations of the cube together (exact elimination modulo a large
   prime); a determined cell gets more suppression, and steps 2-3 repeat.

The whole cube is protected at once and every published table is a slice
of it, so a month is hidden in the month table exactly when it has to be,
whichever table (month, quarter, year, municipality, zone, region) asks.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

K = 10
# How many paths the cycle search may try in one sub-table before it calls
# the cell unprotected (and so suppresses more: the cautious answer).
_SEARCH_BUDGET = 20_000
_PRIME = 2_305_843_009_213_693_951  # 2**61 - 1

Cell = tuple[Hashable, Hashable]  # (area, period)


def children_of(parents: Mapping[Hashable, Hashable | None]) -> dict[Hashable, list[Hashable]]:
    """Return each node's children, in the order the nodes were given."""
    kids: dict[Hashable, list[Hashable]] = {node: [] for node in parents}
    for node, parent in parents.items():
        if parent is not None:
            kids[parent].append(node)
    return kids


def _groups(parents: Mapping[Hashable, Hashable | None]) -> list[tuple[Hashable, list[Hashable]]]:
    """Return the (parent, children) groups, plus every childless root alone."""
    kids = children_of(parents)
    groups = [(node, k) for node, k in kids.items() if k]
    groups += [(node, []) for node, k in kids.items() if not k and parents[node] is None]
    return groups


def equations(
    area_parents: Mapping[Hashable, Hashable | None],
    period_parents: Mapping[Hashable, Hashable | None],
) -> list[tuple[Cell, list[Cell]]]:
    """Return every (total cell, its part cells) equation of the cube."""
    areas, periods = children_of(area_parents), children_of(period_parents)
    found = []
    for area, parts in areas.items():
        if parts:
            found += [((area, p), [(a, p) for a in parts]) for p in period_parents]
    for period, parts in periods.items():
        if parts:
            found += [((a, period), [(a, p) for p in parts]) for a in area_parents]
    return found


def primary(values: Mapping[Cell, int], k: int = K) -> set[Cell]:
    """Return the cells counting between 1 and ``k - 1``: never published.

    An empty cell (0) describes nobody and may be published.
    """
    return {cell for cell, value in values.items() if 0 < value < k}


class _SubTable:
    """A two-way table with its margins: rows × columns, each side with or without a total."""

    def __init__(self, area_group, period_group):
        area, area_parts = area_group
        period, period_parts = period_group
        self.rows = [*area_parts, area]
        self.cols = [*period_parts, period]
        self.row_total = area if area_parts else None
        self.col_total = period if period_parts else None

    def cells(self) -> list[Cell]:
        return [(r, c) for r in self.rows for c in self.cols]

    def sign(self, cell: Cell) -> int:
        flips = (cell[0] == self.row_total) + (cell[1] == self.col_total)
        return -1 if flips % 2 else 1

    def ends(self, cell: Cell) -> tuple[tuple, tuple]:
        """Return the two equations a cell belongs to here ("ground" where it has none)."""
        # The equation over areas for this period (only if the area side has a total).
        across = ("col", cell[1]) if self.row_total is not None else ("ground",)
        # The equation over periods for this area (only if the period side has a total).
        along = ("row", cell[0]) if self.col_total is not None else ("ground",)
        return across, along


def _protected_in(
    table: _SubTable, cell: Cell, hidden: set[Cell], values: Mapping[Cell, int]
) -> bool:
    """Answer whether ``cell`` lies on a feasible cycle of hidden cells of ``table``.

    Equations are nodes and hidden cells are edges (a cell in one equation
    only joins it to the free "ground" node). Along a cycle the signed change
    alternates, so a cycle is feasible when every cell it lowers is ≥ 1.
    For a table with margins (totally unimodular) another table consistent
    with the published cells exists exactly when such a cycle exists.
    """
    edges = [c for c in table.cells() if c in hidden]
    adjacency: dict[tuple, list[tuple[Cell, tuple]]] = {}
    for edge in edges:
        a, b = table.ends(edge)
        adjacency.setdefault(a, []).append((edge, b))
        adjacency.setdefault(b, []).append((edge, a))
    start, goal = table.ends(cell)
    budget = [_SEARCH_BUDGET]

    def lowers_ok(edge: Cell, dy: int) -> bool:
        dx = dy * table.sign(edge)
        return dx > 0 or values[edge] >= 1

    for first in (1, -1):  # raise the cell, or lower it
        if not lowers_ok(cell, first):
            continue
        # Walk from `goal` back to `start`; the next edge's change is the opposite.
        stack = [(goal, -first, {cell}, {goal})]
        while stack:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            node, dy, used, seen = stack.pop()
            for edge, other in adjacency.get(node, []):
                if edge in used or not lowers_ok(edge, dy):
                    continue
                if other == start:
                    return True
                if other in seen:
                    continue
                stack.append((other, -dy, used | {edge}, seen | {other}))
    return False


def _cheapest_cycle(
    table: _SubTable, cell: Cell, hidden: set[Cell], values: Mapping[Cell, int]
) -> list[Cell]:
    """Return the cells to hide so that ``cell`` gets a rectangle (or pair) of hidden cells.

    Prefers cells already hidden, then non-empty cells (an empty partner
    gives no room to move), then the smallest counts.
    """
    r, c = cell

    def cost(cells: Iterable[Cell]) -> tuple:
        new = [x for x in cells if x not in hidden]
        empty = sum(1 for x in new if values[x] == 0)
        return (empty, len(new), sum(values[x] for x in new))

    options: list[list[Cell]] = []
    if table.row_total is not None and table.col_total is not None:
        for r2 in table.rows:
            for c2 in table.cols:
                if r2 != r and c2 != c:
                    options.append([(r2, c), (r, c2), (r2, c2)])
    elif table.row_total is not None:
        options = [[(r2, c)] for r2 in table.rows if r2 != r]
    elif table.col_total is not None:
        options = [[(r, c2)] for c2 in table.cols if c2 != c]
    options = [o for o in options if any(x not in hidden for x in o)] or options
    return min(options, key=cost) if options else []


def _determined(
    hidden: set[Cell], values: Mapping[Cell, int], eqs: list[tuple[Cell, list[Cell]]]
) -> set[Cell]:
    """Return the hidden cells that all the equations together pin to one value.

    Reduced row echelon form of the equations restricted to the hidden cells
    (modulo a large prime: the coefficients are ±1, so this is exact in
    practice); a hidden cell is determined when its pivot row has no other
    unknown.
    """
    order = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(order)}
    rows: list[dict[int, int]] = []
    for total, parts in eqs:
        row: dict[int, int] = {}
        for cell, coefficient in [(total, -1)] + [(p, 1) for p in parts]:
            if cell in index:
                i = index[cell]
                row[i] = (row.get(i, 0) + coefficient) % _PRIME
        row = {i: v for i, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        for col, prow in pivots.items():
            if col in row:
                factor = row[col]
                for j, v in prow.items():
                    row[j] = (row.get(j, 0) - factor * v) % _PRIME
                row = {j: v for j, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {j: v * inverse % _PRIME for j, v in row.items()}
        for other in pivots.values():
            if col in other:
                factor = other[col]
                for j, v in row.items():
                    other[j] = (other.get(j, 0) - factor * v) % _PRIME
                for j in [j for j, v in other.items() if not v]:
                    del other[j]
        pivots[col] = row
    return {order[col] for col, row in pivots.items() if len(row) == 1}


def protect(
    values: Mapping[Cell, int],
    area_parents: Mapping[Hashable, Hashable | None],
    period_parents: Mapping[Hashable, Hashable | None],
    *,
    k: int = K,
    also_hide: Iterable[Cell] = (),
) -> set[Cell]:
    """Return the cells of the cube to hide: primary, then complementary suppression.

    ``values`` holds a count for every (area, period) of the two
    hierarchies (``*_parents`` maps each node to its parent, None for a
    root). ``also_hide`` adds cells hidden for another reason.
    """
    hidden = primary(values, k) | set(also_hide)
    if not hidden:
        return hidden
    tables = [
        _SubTable(a, p)
        for a in _groups(area_parents)
        for p in _groups(period_parents)
        if a[1] or p[1]
    ]
    membership: dict[Cell, list[_SubTable]] = {}
    for table in tables:
        for cell in table.cells():
            membership.setdefault(cell, []).append(table)
    eqs = equations(area_parents, period_parents)
    for _round in range(50):
        changed = True
        while changed:
            changed = False
            for cell in sorted(hidden, key=repr):
                for table in membership.get(cell, []):
                    if not _protected_in(table, cell, hidden, values):
                        before = len(hidden)
                        hidden.update(_cheapest_cycle(table, cell, hidden, values))
                        changed = changed or len(hidden) > before
        exposed = _determined(hidden, values, eqs)
        if not exposed:
            return hidden
        for cell in exposed:
            for table in membership.get(cell, []):
                fresh = _cheapest_cycle(table, cell, hidden, values)
                if any(x not in hidden for x in fresh):
                    hidden.update(fresh)
                    break
            else:  # nothing left to hide around it: hide its whole sub-tables
                for table in membership.get(cell, []):
                    hidden.update(table.cells())
    return hidden | set(values)  # could not settle: publish nothing rather than too much
