"""Disclosure control holds against an attacker who solves the published equations.

The attacker here is independent of the code under test: a brute-force
search for another table that agrees with every published cell, every
equation (parent = sum of children) and non-negativity, but changes the
hidden cell. If none exists, the hidden cell is recovered.
"""

from __future__ import annotations

import itertools
import random

from umbrella.observatory import disclosure

AREAS = {"T": None, "a": "T", "b": "T", "c": "T"}
PERIODS = {"Q": None, "1": "Q", "2": "Q", "3": "Q"}


def cube_3x3(counts):
    values = {}
    for i, area in enumerate("abc"):
        for j, period in enumerate("123"):
            values[(area, period)] = counts[i * 3 + j]
    for area in "abc":
        values[(area, "Q")] = sum(values[(area, p)] for p in "123")
    for period in "123Q":
        values[("T", period)] = sum(values[(a, period)] for a in "abc")
    return values


def build_cube(leaves, area_parents, period_parents):
    """Fill every parent cell of the cube with the sum of its leaf cells."""
    area_kids = disclosure.children_of(area_parents)
    period_kids = disclosure.children_of(period_parents)

    def leaf_nodes(node, kids):
        return [node] if not kids[node] else [x for k in kids[node] for x in leaf_nodes(k, kids)]

    return {
        (a, p): sum(
            leaves[(la, lp)] for la in leaf_nodes(a, area_kids) for lp in leaf_nodes(p, period_kids)
        )
        for a in area_parents
        for p in period_parents
    }


def alternative_exists(values, hidden, eqs, target):
    """Search for a table agreeing with all published cells where ``target`` differs."""
    bound = max(values.values())
    cells = sorted(hidden, key=repr)

    def propagate(assign):
        changed = True
        while changed:
            changed = False
            for total, parts in eqs:
                members = [total, *parts]
                unknown = [c for c in members if c in hidden and c not in assign]
                if len(unknown) > 1:
                    continue

                def value(c):
                    return assign[c] if c in hidden else values[c]

                if not unknown:
                    if value(total) != sum(value(p) for p in parts):
                        return False
                    continue
                (cell,) = unknown
                if cell == total:
                    derived = sum(value(p) for p in parts)
                else:
                    derived = value(total) - sum(value(p) for p in parts if p != cell)
                if not 0 <= derived <= bound:
                    return False
                if cell == target and derived == values[target]:
                    return False
                assign[cell] = derived
                changed = True
        return True

    def search(assign):
        assign = dict(assign)
        if not propagate(assign):
            return False
        free = [c for c in cells if c not in assign]
        if not free:
            return True
        cell = target if target in free else free[0]
        true = values[cell]
        for candidate in sorted(range(bound + 1), key=lambda v: abs(v - true)):
            if cell == target and candidate == true:
                continue
            if search({**assign, cell: candidate}):
                return True
        return False

    return search({})


def assert_safe(values, hidden, area_parents, period_parents, k=disclosure.K):
    for cell, value in values.items():
        if 0 < value < k:
            assert cell in hidden, f"{cell}={value} published"
    eqs = disclosure.equations(area_parents, period_parents)
    for cell in hidden:
        assert alternative_exists(values, hidden, eqs, cell), (
            f"{cell}={values[cell]} recoverable from {sorted(set(values) - hidden)}"
        )


def test_every_small_count_combination_in_a_3x3_table_with_totals_stays_hidden():
    for counts in itertools.product((0, 3, 12), repeat=9):
        values = cube_3x3(counts)
        hidden = disclosure.protect(values, AREAS, PERIODS)
        assert_safe(values, hidden, AREAS, PERIODS)


def test_borderline_counts_9_and_10():
    for counts in itertools.product((9, 10), repeat=9):
        values = cube_3x3(counts)
        hidden = disclosure.protect(values, AREAS, PERIODS)
        assert_safe(values, hidden, AREAS, PERIODS)


def test_a_single_small_cell_hides_a_rectangle_and_no_zero_partner():
    counts = [40, 40, 40, 40, 4, 40, 40, 40, 40]
    values = cube_3x3(counts)
    hidden = disclosure.protect(values, AREAS, PERIODS)
    assert ("b", "2") in hidden
    assert len(hidden) == 4
    assert all(values[c] > 0 for c in hidden)


def test_empty_cells_are_published_and_large_tables_untouched():
    values = cube_3x3([0, 20, 30, 11, 12, 13, 0, 0, 50])
    assert disclosure.protect(values, AREAS, PERIODS) == set()


def test_a_month_is_not_recoverable_from_its_quarter_minus_the_other_two():
    # One area only: the quarter and its months, region-wide.
    areas = {"region": None}
    periods = {"Q4": None, "10": "Q4", "11": "Q4", "12": "Q4"}
    values = {("region", "10"): 30, ("region", "11"): 4, ("region", "12"): 25}
    values[("region", "Q4")] = 59
    hidden = disclosure.protect(values, areas, periods)
    assert ("region", "11") in hidden
    assert len({("region", m) for m in ("10", "12", "Q4")} & hidden) >= 1
    assert_safe(values, hidden, areas, periods)


def linked_hierarchies():
    areas = {"R": None, "Z1": "R", "Z2": "R", "m1": "Z1", "m2": "Z1", "m3": "Z2", "m4": "Z2"}
    periods = {"Y": None, "Q1": "Y", "Q2": "Y"}
    periods.update({f"M{i}": ("Q1" if i <= 3 else "Q2") for i in range(1, 7)})
    return areas, periods


def test_linked_hierarchies_month_quarter_year_and_municipality_zone_region():
    """Random small counts: no hidden cell falls to any combination of tables."""
    areas, periods = linked_hierarchies()
    leaves_a = ["m1", "m2", "m3", "m4"]
    leaves_p = [f"M{i}" for i in range(1, 7)]
    rng = random.Random(19)
    for _ in range(25):
        leaves = {
            (a, p): rng.choice((0, 0, 1, 2, 5, 9, 12, 30)) for a in leaves_a for p in leaves_p
        }
        values = build_cube(leaves, areas, periods)
        hidden = disclosure.protect(values, areas, periods)
        assert_safe(values, hidden, areas, periods)


def test_a_small_month_stays_hidden_in_every_table_that_holds_it():
    areas, periods = linked_hierarchies()
    leaves = {(a, p): 50 for a in ("m1", "m2", "m3", "m4") for p in periods if p.startswith("M")}
    leaves[("m1", "M2")] = 3
    values = build_cube(leaves, areas, periods)
    hidden = disclosure.protect(values, areas, periods)
    assert ("m1", "M2") in hidden
    # Not from Q1 minus M1 and M3, not from Z1 minus m2: partners are hidden too.
    assert {("m1", "M1"), ("m1", "M3"), ("m1", "Q1")} & hidden
    assert {("m2", "M2"), ("Z1", "M2")} & hidden
    assert_safe(values, hidden, areas, periods)


def test_extra_hidden_cells_get_partners_too():
    values = cube_3x3([40] * 9)
    hidden = disclosure.protect(values, AREAS, PERIODS, also_hide=[("a", "1")])
    assert ("a", "1") in hidden and len(hidden) >= 4
    assert_safe(values, hidden, AREAS, PERIODS)
