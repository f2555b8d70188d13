"""``manage.py load_population``: Statbel's layout summed per NIS code, a plain
``code,population`` file for neighbourhoods, codes outside the region skipped, bad files
refused with a sentence. The figures here are fixture values, not real populations."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from umbrella.areas.models import Population, PopulationKind

pytestmark = pytest.mark.django_db

# Statbel's population file: one row per municipality, sex, nationality, age…, "|"-separated.
STATBEL = """\ufeffCD_REFNIS|TX_DESCR_NL|TX_DESCR_FR|CD_SEX|CD_AGE|MS_POPULATION
21004|Brussel|Bruxelles|F|30|1000
21004|Brussel|Bruxelles|M|30|1200
21015|Schaarbeek|Schaerbeek|F|40|700
11001|Aartselaar|Aartselaar|M|20|500
"""


def load(tmp_path, text: str, *args: str) -> str:
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_population", str(path), *args, stdout=out)
    return out.getvalue()


def test_statbel_rows_are_summed_per_nis_code_and_other_regions_skipped(tmp_path):
    said = load(
        tmp_path, STATBEL, "--kind=municipality", "--source=Fixture register", "--date=2025-01-01"
    )
    rows = {p.code: p for p in Population.objects.filter(kind=PopulationKind.MUNICIPALITY)}
    assert {code: p.residents for code, p in rows.items()} == {"21004": 2200, "21015": 700}
    assert rows["21004"].source == "Fixture register"
    assert rows["21004"].reference_date == date(2025, 1, 1)
    assert "2 recorded" in said and "Skipped 1 code" in said


def test_a_neighbourhood_file_and_a_second_load_replaces_the_figures(tmp_path):
    args = ("--kind=neighbourhood", "--source=Fixture monitoring", "--date=2022-01-01")
    load(tmp_path, "code,population\n21,9000\n022,8000\n", *args)
    load(tmp_path, "code;population\n21;9500\n", *args[:2], "--date=2023-01-01")
    rows = {p.code: p for p in Population.objects.filter(kind=PopulationKind.NEIGHBOURHOOD)}
    assert rows["21"].residents == 9500 and rows["21"].reference_date == date(2023, 1, 1)
    assert rows["22"].residents == 8000  # leading zeros are not part of the code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,inhabitants\nx,1\n", "expected the columns CD_REFNIS and MS_POPULATION"),
        ("code,population\n21,many\n", "is not a number of residents"),
        ("code,population\n99999,10\n", "No code of the file is a neighbourhood"),
    ],
)
def test_a_bad_file_is_refused_with_a_sentence(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        load(tmp_path, text, "--kind=neighbourhood", "--source=x", "--date=2022-01-01")
    assert not Population.objects.exists()
