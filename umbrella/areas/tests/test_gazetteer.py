"""The shipped gazetteer and the place search: every entry where it says it is, and the
search finds what a person types, in Dutch or French, with or without accents."""

import csv

import pytest

from umbrella.areas.gazetteer import (
    COLUMNS,
    CURATED_KINDS,
    Gazetteer,
    GazetteerError,
    default_path,
    display_name,
    get_gazetteer,
    normalise,
    read_curated,
    search,
)
from umbrella.areas.locate import locate
from umbrella.areas.models import Municipality, Neighbourhood

pytestmark = pytest.mark.django_db


def _first(query):
    found = search(query)
    assert found, f"nothing found for {query!r}"
    return found[0]


# -- the shipped file ---------------------------------------------------------------------------


def test_the_file_has_the_documented_columns_and_every_row_a_source():
    with default_path().open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert len(rows) >= 50
    for row in rows:
        assert row["kind"] in CURATED_KINDS, row
        assert row["name_nl"].strip() and row["name_fr"].strip(), row
        assert "OpenStreetMap" in row["source"] and "ODbL" in row["source"], row


@pytest.mark.parametrize("row", read_curated(), ids=lambda row: row["name_fr"])
def test_every_curated_entry_falls_in_the_municipality_it_names(row):
    location = locate(row["lat"], row["lon"])
    assert location.inside_region, row["name_fr"]
    assert location.municipality.nis_code == row["nis_code"], (
        f"{row['name_fr']} ({row['lat']}, {row['lon']}) is in "
        f"{location.municipality.name_fr}, not {row['nis_code']}"
    )


def test_the_entries_the_brief_asks_for_are_there():
    names = {row["name_fr"] for row in read_curated()} | {row["name_nl"] for row in read_curated()}
    for name in (
        "Gare du Nord",
        "Noordstation",
        "Gare du Midi",
        "Gare Centrale",
        "Gare de Bruxelles-Schuman",
        "Gare de Bruxelles-Luxembourg",
        "Rogier",
        "Yser",
        "De Brouckère",
        "Ribaucourt",
        "Comte de Flandre",
        "Place Rogier",
        "Grand-Place",
        "Place Fontainas",
        "Place Louise",
        "Rue d'Aerschot",
        "Aarschotstraat",
        "Boulevard d'Anvers",
        "Rue de Brabant",
        "Avenue Louise",
        "Rue de l'Alhambra",
    ):
        assert name in names, name


def test_a_row_of_bad_shape_is_refused(tmp_path):
    path = tmp_path / "gazetteer.csv"
    header = ",".join(COLUMNS)
    path.write_text(f"{header}\nA,B,castle,50.8,4.3,21004,,OSM\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="unknown kind"):
        read_curated(path)
    path.write_text(f"{header}\nA,B,square,north,4.3,21004,,OSM\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="numbers"):
        read_curated(path)
    path.write_text("name,lat,lon\nA,50.8,4.3\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="columns"):
        read_curated(path)


# -- the gazetteer in memory --------------------------------------------------------------------


def test_it_holds_the_municipalities_neighbourhoods_and_curated_places():
    gazetteer = get_gazetteer()
    kinds = [place.kind for place in gazetteer.places]
    assert kinds.count("municipality") == Municipality.objects.count() == 19
    assert kinds.count("neighbourhood") == Neighbourhood.objects.count() == 145
    assert len(gazetteer) == 19 + 145 + len(read_curated())
    assert get_gazetteer() is gazetteer  # built once per process


def test_every_point_is_inside_the_municipality_given_with_it():
    for place in get_gazetteer().places:
        location = locate(place.lat, place.lon)
        assert location.municipality == place.municipality, place


def test_neighbourhoods_are_named_in_words_not_capitals():
    names = {place.name_fr for place in get_gazetteer().places if place.kind == "neighbourhood"}
    assert "Etangs d'Ixelles" in names
    assert "Gare de l'Ouest" in names
    assert "Saint-Josse Centre" in names
    assert "Avenue Leopold III" in names
    assert not any(name.isupper() for name in names)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("GRAND PLACE", "Grand Place"),
        ("NOTRE-DAME AUX NEIGES", "Notre-Dame aux Neiges"),
        ("VILLA'S VAN GANSHOREN", "Villa's van Ganshoren"),
        ("SAINTE-ALIX  - JOLI BOIS", "Sainte-Alix - Joli Bois"),
        ("Place Rogier", "Place Rogier"),  # already in words: kept
    ],
)
def test_display_name(written, shown):
    assert display_name(written) == shown


def test_normalise_drops_case_accents_and_punctuation():
    assert normalise("  Rue de l'Alhambra ") == "rue de l alhambra"
    assert normalise("MÉRODE") == normalise("merode") == "merode"
    assert normalise("Bruxelles-Congrès") == "bruxelles congres"
    assert normalise("---") == ""


# -- searching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Gare du Nord", "gare du nord", "GARE DU NORD", "Noordstation", "noord station"]
)
def test_gare_du_nord_in_either_language(query):
    place = _first(query)
    assert (place.name_fr, place.name_nl, place.kind) == ("Gare du Nord", "Noordstation", "station")
    assert place.municipality.nis_code == locate(place.lat, place.lon).municipality.nis_code


@pytest.mark.parametrize(
    ("query", "name_fr"),
    [
        ("aarschot", "Rue d'Aerschot"),
        ("Aerschot", "Rue d'Aerschot"),
        ("rue d'aerschot", "Rue d'Aerschot"),
        ("brussel-zuid", "Gare du Midi"),
        ("Zuidstation", "Gare du Midi"),
        ("ijzer", "Yser"),
        ("de brouckere", "De Brouckère"),
        ("merode", "Mérode"),
        ("grote markt", "Grand-Place"),
        ("Sint-Gillis", "Saint-Gilles"),
        ("st gilles", "Saint-Gilles"),
        ("Elsene", "Ixelles"),
        ("Schaarbeek", "Schaerbeek"),
        ("matonge", "Matonge"),
        ("bd anspach", "Boulevard Anspach"),
    ],
)
def test_what_people_type(query, name_fr):
    assert _first(query).name_fr == name_fr


def test_ranking_exact_then_prefix_then_words():
    # "Louise": the station of that name, then names beginning with it, then the rest.
    found = [place.name_fr for place in search("louise", limit=10)]
    assert found[0] == "Louise"
    assert found.index("Louise - Longue Haie") < found.index("Place Louise")
    assert {"Place Louise", "Avenue Louise"} <= set(found)


def test_a_municipality_comes_before_its_namesake_neighbourhood():
    found = search("koekelberg")
    assert [p.kind for p in found[:2]] == ["municipality", "neighbourhood"]
    assert found[0].municipality.nis_code == "21011"


def test_stations_come_before_streets_and_neighbourhoods_of_the_same_rank():
    kinds = [place.kind for place in search("nord")]
    assert kinds[0] == "station"
    assert kinds.index("neighbourhood") > 0


def test_a_word_inside_a_dutch_compound_is_found_from_four_letters():
    assert "Gare du Nord" in [p.name_fr for p in search("station", limit=20)]
    assert search("st", limit=20)  # the abbreviation of saint/sint
    # Three letters are not enough to be found inside a word.
    assert "Gare du Nord" not in [p.name_fr for p in search("sta", limit=20)]
    assert "Gare du Nord" in [p.name_fr for p in search("stat", limit=20)]


def test_nothing_for_nothing_and_the_limit_holds():
    assert search("") == []
    assert search("   '-") == []
    assert search("zzzzqqq") == []
    assert len(search("a", limit=3)) == 3


def test_a_small_gazetteer_of_its_own():
    from umbrella.areas.gazetteer import Place
    from umbrella.areas.locate import MunicipalityRef

    ref = MunicipalityRef("21004", "Brussel", "Bruxelles")
    gazetteer = Gazetteer(
        [
            Place("Kerkstraat", "Rue de l'Église", "street", 50.85, 4.35, ref, "test"),
            Place("Kerk", "Église", "landmark", 50.85, 4.35, ref, "test"),
        ],
        [(), ("Sint-Kerk",)],
    )
    assert [p.name_nl for p in gazetteer.search("eglise")] == ["Kerk", "Kerkstraat"]
    assert [p.name_nl for p in gazetteer.search("kerk")] == ["Kerk", "Kerkstraat"]
    assert [p.name_nl for p in gazetteer.search("sint kerk")] == ["Kerk"]
