"""Known places for the geography tests, with the answer geography gives, not the data.

Each point lies at least 150 m inside its municipality (checked once with
shapely against the shipped boundaries), so the tests do not hinge on the
exact line of a border. The expected NIS codes and zones are the official
ones (docs/domain.md), not read from the files.
"""

# (lat, lon, NIS code, police zone, place)
LANDMARKS = [
    (50.8364, 4.2977, "21001", "5341", "Collegiate church of Saint Guidon, Anderlecht"),
    (50.8155, 4.4330, "21002", "5342", "Auderghem town hall"),
    (50.8647, 4.2952, "21003", "5340", "Berchem-Sainte-Agathe town hall"),
    (50.8467, 4.3525, "21004", "5339", "Grand-Place"),
    (50.8367, 4.3842, "21005", "5343", "Place Jourdan, Etterbeek"),
    (50.8706, 4.4025, "21006", "5344", "Evere town hall"),
    (50.8116, 4.3187, "21007", "5341", "Forest abbey"),
    (50.8710, 4.3082, "21008", "5340", "Ganshoren town hall"),
    (50.8275, 4.3723, "21009", "5339", "Place Flagey, Ixelles"),
    (50.8792, 4.3254, "21010", "5340", "Place Cardinal Mercier, Jette"),
    (50.8627, 4.3267, "21011", "5340", "Koekelberg town hall"),
    (50.8546, 4.3377, "21012", "5340", "Place communale, Molenbeek-Saint-Jean"),
    (50.8299, 4.3457, "21013", "5341", "Parvis de Saint-Gilles"),
    (50.8495, 4.3722, "21014", "5344", "Place Saint-Josse"),
    (50.8673, 4.3788, "21015", "5344", "Place Colignon, Schaerbeek"),
    (50.7980, 4.3581, "21016", "5342", "Royal Observatory, Uccle"),
    (50.7989, 4.4126, "21017", "5342", "Place Antoine Gilson, Watermael-Boitsfort"),
    (50.8455, 4.4310, "21018", "5343", "Woluwe Shopping, Woluwe-Saint-Lambert"),
    (50.8414, 4.4647, "21019", "5343", "Place Dumon (Stockel), Woluwe-Saint-Pierre"),
]

# (lat, lon, place): outside the region, from about 150 m to 2.5 km beyond its border.
OUTSIDE = [
    (50.8836, 4.4729, "Zaventem, east"),
    (50.8480, 4.2600, "Dilbeek, west"),
    (50.7865, 4.3110, "Drogenbos castle, south-west"),
    (50.7700, 4.3370, "Linkebeek, south"),
    (50.8560, 4.4700, "Kraainem, east"),
    (50.9060, 4.3550, "Strombeek-Bever, north"),
    (50.9105, 4.4380, "Machelen, north-east"),
    (50.9070, 4.3060, "Wemmel, north-west"),
    (50.7670, 4.4730, "Hoeilaart, south-east"),
    (50.9281, 4.4255, "Vilvoorde, beyond the bounding box"),
]

# The police zones and their municipalities, from docs/domain.md.
ZONES = {
    "5339": {"21004", "21009"},
    "5340": {"21003", "21008", "21010", "21011", "21012"},
    "5341": {"21001", "21007", "21013"},
    "5342": {"21002", "21016", "21017"},
    "5343": {"21005", "21018", "21019"},
    "5344": {"21006", "21014", "21015"},
}
