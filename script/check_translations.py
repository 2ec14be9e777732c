# ruff: noqa: T201
"""Check and compile the Hindi catalogue (run by script/test).

Fails (exit 1) when src/kraya/locale/hi/LC_MESSAGES/django.po
- is missing,
- has an untranslated or fuzzy entry (the header included),
- lacks a message that the code or a template marks for translation,
- does not compile (e.g. a %(name)s placeholder missing from a translation).
On success it writes django.mo next to the .po (as `pybabel compile` does).

Messages are found the way Django's makemessages finds them (Python gettext
keywords; templates through Django's own `templatize`), but with Babel, so no
GNU gettext is needed."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "kraya"
LANGUAGES = ["hi"]

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

Key = tuple[str, str | None]  # (msgid, msgctxt)


def _extract(code: str) -> Iterator[Key]:
    for _lineno, message, _comments, context in extract(
        "python", io.BytesIO(code.encode("utf-8")), keywords=KEYWORDS, comment_tags=()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            yield msgid, context


def source_messages() -> dict[Key, str]:
    """Every message the code marks for translation, with where it was first seen."""
    found: dict[Key, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for key in _extract(path.read_text(encoding="utf-8")):
            found.setdefault(key, str(path.relative_to(ROOT)))
    for path in sorted(SOURCE.rglob("templates/**/*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for key in _extract(code):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def check_language(language: str, needed: dict[Key, str]) -> list[str]:
    po_path = SOURCE / "locale" / language / "LC_MESSAGES" / "django.po"
    rel = po_path.relative_to(ROOT)
    if not po_path.exists():
        return [f"{rel}: missing (the {language} catalogue must exist and be complete)"]
    with po_path.open("rb") as handle:
        catalog: Catalog = read_po(handle, locale=language)

    problems: list[str] = []
    if catalog.fuzzy:
        problems.append(f"{rel}: the header is marked fuzzy")
    present: set[Key] = set()
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        present.add((msgid, message.context))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{rel}:{message.lineno}"
        if message.fuzzy:
            problems.append(f"{where}: fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"{where}: untranslated: {msgid!r}")
    for (msgid, context), origin in sorted(needed.items(), key=lambda kv: kv[1]):
        if (msgid, context) not in present:
            label = f"{msgid!r}" + (f" (context {context!r})" if context else "")
            problems.append(f"{rel}: no entry for {label} from {origin}")

    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{rel}:{message.lineno}: {error}")

    if not problems:
        with (po_path.with_suffix(".mo")).open("wb") as handle:
            write_mo(handle, catalog)
    return problems


def main() -> int:
    needed = source_messages()
    problems: list[str] = []
    for language in LANGUAGES:
        problems.extend(check_language(language, needed))
    if problems:
        for problem in problems:
            print(problem)
        print(f"translations: {len(problems)} problem(s)")
        return 1
    print(f"translations: {len(needed)} messages, complete in {', '.join(LANGUAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
