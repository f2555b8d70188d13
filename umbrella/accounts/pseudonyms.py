"""Pseudonyms that cannot pass for someone else's: NFKC, one script, no look-alikes.

A circle is built from pseudonyms, so a name that looks like another
(``demo-wоrker`` with a Cyrillic о, ``rn`` for ``m``, ``1`` for ``l``) could
take an invitation meant for someone else. At sign-up a name is NFKC-normalised,
refused when it mixes scripts (Latin and Cyrillic letters in one name), and
refused when its confusable skeleton (Unicode TR39, from the confusables data of
``confusable_homoglyphs``) is that of an existing account.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import confusable_homoglyphs
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIXED_SCRIPT = "mixed_script"
LOOKS_TAKEN = "looks_taken"


def _prototype_rank(char: str) -> tuple:
    # The character a class of look-alikes is written as: ASCII first, lower
    # case before upper, then the lowest code point (TR39 prototypes are
    # mostly ASCII letters: "о", "ο", "0" and "O" all end as "o").
    return (not char.isascii(), not char.isalpha(), not char.islower(), len(char), char)


@functools.cache
def _prototypes() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    single: dict[str, str] = {}
    multi: list[tuple[str, str]] = []
    for char, homoglyphs in data.items():
        # The data marks right-to-left characters with LRM marks; drop them.
        group = {char.replace("\u200e", "")} | {h["c"].replace("\u200e", "") for h in homoglyphs}
        group.discard("")
        prototype = min(group, key=_prototype_rank)
        key = char.replace("\u200e", "")
        if len(key) == 1:
            single[key] = prototype
        elif key:
            multi.append((key, prototype))
    multi.sort(key=lambda pair: -len(pair[0]))
    return single, tuple(multi)


def normalise(name: str) -> str:
    """Return the NFKC form of ``name`` (full-width and compatibility letters folded)."""
    return unicodedata.normalize("NFKC", name)


def skeleton(name: str) -> str:
    """Return the confusable skeleton of ``name``: equal skeletons look alike.

    As TR39 (decompose, map each character to its prototype, decompose again),
    then case-folded and mapped again until nothing changes, because
    pseudonyms are compared without case ("I" and "l" meet, so do "0" and "o").
    """
    single, multi = _prototypes()
    text = unicodedata.normalize("NFD", normalise(name))
    for _round in range(4):
        mapped = "".join(single.get(char, char) for char in text)
        for sequence, prototype in multi:
            mapped = mapped.replace(sequence, prototype)
        mapped = unicodedata.normalize("NFD", mapped.casefold())
        if mapped == text:
            break
        text = mapped
    return text


def is_mixed_script(name: str) -> bool:
    """Answer whether ``name`` has letters of more than one script (digits and - _ . are common)."""
    # Imported here: it loads its data (~17 MB) on import, which a web process
    # needs only once someone signs up (bench/alarm_latency.py measures the RSS).
    from confusable_homoglyphs import confusables

    return bool(confusables.is_mixed_script(normalise(name)))


def check_pseudonym(name: str, existing: Iterable[str]) -> str:
    """Return ``name`` NFKC-normalised, or raise ValidationError when it could pass for another.

    ``existing`` are the pseudonyms already in use.
    """
    name = normalise(name)
    if is_mixed_script(name):
        raise ValidationError(
            _(
                "Use the letters of one alphabet only in your name, for example not Latin "
                "and Cyrillic letters together."
            ),
            code=MIXED_SCRIPT,
        )
    own = skeleton(name)
    if any(skeleton(other) == own for other in existing):
        raise ValidationError(
            _("That name looks too much like a name already in use. Choose another one."),
            code=LOOKS_TAKEN,
        )
    return name
