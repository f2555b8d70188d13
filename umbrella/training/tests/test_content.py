"""The course content files follow the agreed format (docs: content-format).

These tests read the TOML files with plain ``tomllib``: no database, no loader.
They guard what the loader and the people who take the course rely on: every
text exists in Dutch, French and English, the quizzes can be scored, the lesson
Markdown stays inside what the sanitiser allows, and no text describes people
with a stigmatising word.
"""

import re
import tomllib
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

COURSE_DIR = Path(__file__).resolve().parent.parent / "content" / "working-without-stigma"
MODULES_DIR = COURSE_DIR / "modules"
LANGUAGES = {"nl", "fr", "en"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_FILE = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.toml$")
EXPECTED_PREFIXES = ["01", "02", "03", "04", "05"]

# Words that describe a person by a stigmatising label, in the three languages.
# "prostitution"/"prostitutie" stay allowed: they name laws and official titles.
STIGMATISING = re.compile(
    r"\bprostitu(?:tes?|ées?|és?|ees?)\b",
    re.IGNORECASE,
)


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _module_paths() -> list[Path]:
    return sorted(MODULES_DIR.glob("*.toml"))


def _modules() -> list[tuple[Path, dict]]:
    return [(path, _load(path)) for path in _module_paths()]


def _translatables(module: dict):
    """Yield (where, table) for every translatable text of a module."""
    yield "title", module.get("title")
    yield "summary", module.get("summary")
    for lesson in module.get("lessons", []):
        where = f"lesson {lesson.get('slug')}"
        yield f"{where} title", lesson.get("title")
        yield f"{where} body", lesson.get("body")
    for question in module.get("questions", []):
        where = f"question {question.get('slug')}"
        yield f"{where} text", question.get("text")
        yield f"{where} explanation", question.get("explanation")
        for number, choice in enumerate(question.get("choices", []), start=1):
            yield f"{where} choice {number}", choice.get("text")


def _all_texts():
    """Yield (file, where, language, text) for every text of the course."""
    course = _load(COURSE_DIR / "course.toml")
    for key in ("title", "summary"):
        for language, text in course[key].items():
            yield "course.toml", key, language, text
    for path, module in _modules():
        for where, table in _translatables(module):
            for language, text in (table or {}).items():
                yield path.name, where, language, text


def _nested_language_tables(value, where=""):
    """Yield every table anywhere in the data that has a language key."""
    if isinstance(value, dict):
        if LANGUAGES & set(value):
            yield where, value
        for key, item in value.items():
            yield from _nested_language_tables(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nested_language_tables(item, f"{where}[{index}]")


@pytest.mark.parametrize(
    "path",
    [COURSE_DIR / "course.toml", *_module_paths()],
    ids=lambda path: path.name,
)
def test_every_file_parses_as_toml(path):
    data = _load(path)

    assert SLUG.match(data["slug"]), f"{path.name}: slug {data['slug']!r}"


def test_course_has_the_keys_of_the_format():
    course = _load(COURSE_DIR / "course.toml")

    assert course["slug"] == "working-without-stigma"
    assert isinstance(course["version"], int) and course["version"] >= 1
    assert isinstance(course["passing_score"], int)
    assert 0 < course["passing_score"] <= 100
    assert isinstance(course["questions_per_quiz"], int)
    assert course["questions_per_quiz"] >= 1
    assert course["certificate_valid_days"] == 730
    assert isinstance(course["refresher_due_days"], int)
    assert 0 < course["refresher_due_days"] < course["certificate_valid_days"]
    assert set(course["title"]) == LANGUAGES
    assert set(course["summary"]) == LANGUAGES
    assert course["title"]["en"] == "Working with sex workers without stigma"


def test_the_course_has_exactly_the_five_modules_01_to_05():
    names = [path.name for path in _module_paths()]
    matches = [MODULE_FILE.match(name) for name in names]

    assert all(matches), f"module file names not NN-<slug>.toml: {names}"
    assert [match.group(1) for match in matches] == EXPECTED_PREFIXES


def test_each_module_slug_matches_its_file_name():
    for path, module in _modules():
        match = MODULE_FILE.match(path.name)
        assert match, path.name
        assert module["slug"] == match.group(2), path.name
        assert isinstance(module["estimated_minutes"], int), path.name
        assert module["estimated_minutes"] > 0, path.name


def test_every_translatable_text_has_exactly_nl_fr_en_and_none_is_empty():
    for path, module in _modules():
        for where, table in _translatables(module):
            assert isinstance(table, dict), f"{path.name}: {where} missing"
            assert set(table) == LANGUAGES, f"{path.name}: {where} has {set(table)}"
            for language, text in table.items():
                assert isinstance(text, str), f"{path.name}: {where} [{language}]"
                assert text.strip(), f"{path.name}: {where} [{language}] is empty"


def test_no_table_anywhere_has_a_partial_or_extra_set_of_languages():
    documents = [("course.toml", _load(COURSE_DIR / "course.toml"))]
    documents += [(path.name, module) for path, module in _modules()]
    for name, data in documents:
        for where, table in _nested_language_tables(data):
            assert set(table) == LANGUAGES, f"{name}{where}: {sorted(table)}"
            assert all(isinstance(text, str) and text.strip() for text in table.values()), (
                f"{name}{where}"
            )


def test_slugs_are_unique_within_the_course():
    module_slugs, lesson_slugs, question_slugs = [], [], []
    for _path, module in _modules():
        module_slugs.append(module["slug"])
        lesson_slugs += [lesson["slug"] for lesson in module["lessons"]]
        question_slugs += [question["slug"] for question in module["questions"]]

    for slugs in (module_slugs, lesson_slugs, question_slugs):
        assert all(SLUG.match(slug) for slug in slugs), slugs
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        assert not duplicates, f"duplicate slugs: {duplicates}"


def test_each_module_has_enough_lessons_and_questions_for_a_quiz():
    course = _load(COURSE_DIR / "course.toml")
    for path, module in _modules():
        lessons, questions = module["lessons"], module["questions"]
        assert 2 <= len(lessons) <= 3, f"{path.name}: {len(lessons)} lessons"
        assert len(questions) >= 5, f"{path.name}: {len(questions)} questions"
        assert len(questions) >= course["questions_per_quiz"], path.name
        multiple = [q for q in questions if q["kind"] == "multiple"]
        assert len(multiple) >= 2, f"{path.name}: {len(multiple)} multiple"


def test_every_question_can_be_scored():
    for path, module in _modules():
        for question in module["questions"]:
            where = f"{path.name}: {question['slug']}"
            assert question["kind"] in {"single", "multiple"}, where
            choices = question["choices"]
            assert 3 <= len(choices) <= 5, f"{where}: {len(choices)} choices"
            assert all(isinstance(c["correct"], bool) for c in choices), where
            correct = sum(choice["correct"] for choice in choices)
            if question["kind"] == "single":
                assert correct == 1, f"{where}: {correct} correct choices"
            else:
                assert correct >= 1, f"{where}: no correct choice"
            texts = [choice["text"]["en"].strip() for choice in choices]
            assert len(set(texts)) == len(texts), f"{where}: repeated choice"


def _body_tokens():
    parser = MarkdownIt("commonmark")
    for path, module in _modules():
        for lesson in module["lessons"]:
            for language, body in lesson["body"].items():
                where = f"{path.name}: {lesson['slug']} [{language}]"
                yield where, _flatten(parser.parse(body))


def _flatten(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _flatten(token.children)


def test_lesson_markdown_has_no_raw_html_no_images_and_headings_from_h3():
    for where, tokens in _body_tokens():
        tokens = list(tokens)
        kinds = {token.type for token in tokens}
        assert not kinds & {"html_block", "html_inline"}, f"{where}: raw HTML"
        assert "image" not in kinds, f"{where}: image"
        headings = [t.tag for t in tokens if t.type == "heading_open"]
        assert headings, f"{where}: no heading"
        assert headings[0] == "h3", f"{where}: first heading {headings[0]}"
        assert all(tag in {"h3", "h4", "h5", "h6"} for tag in headings), where
        for token in tokens:
            if token.type == "link_open":
                href = token.attrGet("href") or ""
                assert href.startswith("https://"), f"{where}: link {href!r}"


def test_stigmatising_word_pattern_is_precise():
    # The check must catch the labels for people, in any language and case...
    for word in ("prostitute", "Prostitutes", "prostituée", "prostitué"):
        assert STIGMATISING.search(f"une {word} ici"), word
    assert STIGMATISING.search("twee prostituees")
    # ...and leave the names of laws and official titles alone.
    for title in ("prostitution", "prostitutie", "la prostitution d'autrui"):
        assert not STIGMATISING.search(title), title


def test_no_text_describes_people_with_a_stigmatising_word():
    found = [
        f"{name}: {where} [{language}]: {match.group(0)!r}"
        for name, where, language, text in _all_texts()
        for match in STIGMATISING.finditer(text)
    ]
    assert not found, "\n".join(found)


# The French text writes gender-inclusive forms in one style, the middle dot
# ("travailleur·euses du sexe", "un·e collègue"), not doublets in some modules.
FRENCH_DOUBLETS = re.compile(
    r"travailleuses? (?:et|ou) (?:de |un |quel |tous les )?travailleurs?"
    r"|\bune ou un\b|\bun ou une\b",
    re.IGNORECASE,
)


def test_the_french_text_writes_inclusive_forms_in_one_style():
    found = [
        f"{name} {where}: {match.group(0)}"
        for name, where, language, text in _all_texts()
        if language == "fr"
        for match in FRENCH_DOUBLETS.finditer(text)
    ]
    assert found == []
    middle_dot = [
        name for name, _w, language, text in _all_texts() if language == "fr" and "·" in text
    ]
    # Every module and the course title use the style.
    assert {"course.toml", *(p.name for p in _module_paths())} <= set(middle_dot)
