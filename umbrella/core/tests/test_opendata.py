"""The one CSV writer of every open-data file: licence lines, and no cell a spreadsheet runs."""

import csv
import io

import pytest

from umbrella.core.opendata import csv_cell, csv_text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+32 2 123 45 67", "'+32 2 123 45 67"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\n=1"),
        (-4.5, "-4.5"),  # a number, even negative, is no formula
        (None, ""),
        (True, "yes"),
        (["nl", "fr"], "nl fr"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("Gare du Nord", "Gare du Nord"),
    ],
)
def test_a_cell_is_never_a_formula_and_never_ends_a_row(value, cell):
    assert csv_cell(value) == cell


def test_the_file_names_its_licence_then_reads_back_as_written():
    text = csv_text(
        ["name", "count"],
        [["=cmd|' /C calc'!A0", 3], ["line\rbreak", None]],
        licence="CC BY 4.0",
        attribution="Umbrella Brussels",
        notes=["Dataset: test\r=1"],
    )
    lines = text.split("\n")
    assert lines[:4] == [
        "# License: CC BY 4.0",
        "# Attribution: Umbrella Brussels",
        "# Dataset: test =1",  # a note stays on its line
        "name,count",
    ]
    rows = list(csv.reader(io.StringIO("\n".join(lines[4:]))))
    assert rows == [["'=cmd|' /C calc'!A0", "3"], ["line\nbreak", ""]]
