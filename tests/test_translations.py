"""The Hindi catalogue is complete, up to date with the source, and loads in Django.

Pure Python (Babel), so it runs where GNU gettext is not installed. Refresh the
catalogue with `cd src/kraya && KRAYA_EMBEDDED=1 kraya makemessages -l hi
--no-location`, translate the new entries, and clear every fuzzy flag."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "kraya"
PO_PATH = SOURCE / "locale" / "hi" / "LC_MESSAGES" / "django.po"

# The gettext functions makemessages knows (xgettext's Python defaults plus
# Django's own keywords), with where their msgctxt / msgid / msgid_plural sit.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

# (msgid, msgid_plural or None, msgctxt or None)
Key = tuple[str, str | None, str | None]

# %(name)s, %s, %d, ... but not the literal %%; {name}, {0} and {}.
PRINTF = re.compile(r"%(?:\(\w+\))?[#0 +-]?\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")
BRACES = re.compile(r"\{\w*\}")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")

# Shown in Latin script in every language: the language switch's own name,
# and identifiers printed on the documents themselves (GST certificate, cheque).
LATIN_ON_PURPOSE = {"English", "GSTIN", "IFSC", "API", "SHA-256"}

# DOMAIN terms and the Hindi used on GeM; the Hindi stems survive inflection
# (क्रेताओं, विक्रेताओं, परेषितियों, प्राधिकारियों).
GLOSSARY = {
    r"\bprimary users?\b": "प्राथमिक उपयोगकर्ता",
    r"\bpaying authorit(?:y|ies)\b": "भुगतान प्राधिकार",
    r"\bconsignees?\b": "परेषित",
    r"\bbuyers?\b": "क्रेता",
    r"\bsellers?\b": "विक्रेता",
    r"\bkraya\b": "क्रय",
}


@cache
def catalogue() -> Catalog:
    with PO_PATH.open("rb") as handle:
        return read_po(handle, locale="hi")


def entries() -> list[Message]:
    return [message for message in catalogue() if message.id]


def ids(message: Message) -> tuple[str, ...]:
    """(msgid,) or (msgid, msgid_plural)."""
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def forms(message: Message) -> tuple[str, ...]:
    """(msgstr,) or every msgstr[n]."""
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (string or "",)


def key_of(message: Message) -> Key:
    msgids = ids(message)
    return msgids[0], msgids[1] if len(msgids) > 1 else None, message.context


def _extract(code: str) -> Iterator[Key]:
    source = io.BytesIO(code.encode("utf-8"))
    # "python" is Babel's extract_python; extract() maps KEYWORDS specs to ids.
    for _lineno, message, _comments, context in extract(
        "python", source, keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, tuple):
            yield message[0], message[1], context
        else:
            yield message, None, context


@cache
def source_messages() -> dict[Key, str]:
    """Every message src/kraya marks for translation, with the first file using it."""
    found: dict[Key, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for key in _extract(path.read_text(encoding="utf-8")):
            found.setdefault(key, str(path.relative_to(ROOT)))
    templates = [
        path
        for pattern in ("*.html", "*.txt")
        for path in SOURCE.rglob(pattern)
        if "templates" in path.relative_to(SOURCE).parts
    ]
    for path in sorted(templates):
        # The same path as makemessages: template tags become gettext calls.
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for key in _extract(code):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def label(key: Key) -> str:
    msgid, _plural, context = key
    return repr(msgid) + (f" (context {context!r})" if context else "")


def placeholders(text: str) -> tuple[set[str], Counter[str], list[str]]:
    """Named placeholders (a set: a translation may repeat one), positional ones
    (counted: their order and number matter) and HTML tags (in order)."""
    printf = PRINTF.findall(text)
    named = {p for p in printf if p.startswith("%(")} | set(BRACES.findall(text))
    positional = Counter(p for p in printf if not p.startswith("%(") and p != "%%")
    return named, positional, sorted(HTML_TAG.findall(text))


def test_catalogue_parses_with_a_clean_header():
    catalog = catalogue()
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert catalog.mime_headers and dict(catalog.mime_headers)["Language"] == "hi"
    assert catalog.num_plurals == 2
    assert catalog.plural_expr == "(n != 1)"
    assert len(entries()) > 100


def test_every_entry_is_translated_and_checked():
    untranslated = [ids(message)[0] for message in entries() if not all(forms(message))]
    fuzzy = [ids(message)[0] for message in entries() if message.fuzzy]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"still fuzzy (check the entry, then drop the flag): {fuzzy}"


def test_there_are_no_obsolete_entries():
    assert list(catalogue().obsolete) == []


def test_plural_entries_have_every_form():
    plurals = [message for message in entries() if message.pluralizable]
    assert plurals, "the catalogue should have plural entries"
    short = [ids(message)[0] for message in plurals if len(forms(message)) != 2]
    assert short == []


def test_placeholders_and_tags_match():
    wrong = []
    for message in entries():
        originals = ids(message)
        for index, translated in enumerate(forms(message)):
            original = originals[min(index, len(originals) - 1)]
            if placeholders(original) != placeholders(translated):
                wrong.append(f"{original!r} -> {translated!r}")
    assert wrong == []


def test_translations_are_in_devanagari():
    latin = [
        ids(message)[0]
        for message in entries()
        if ids(message)[0] not in LATIN_ON_PURPOSE
        and not all(DEVANAGARI.search(form) for form in forms(message))
    ]
    assert latin == [], f"left in English: {latin}"


def test_domain_terms_use_the_gem_hindi():
    drifted = []
    for message in entries():
        msgid = ids(message)[0]
        for english, hindi in GLOSSARY.items():
            used = re.search(english, msgid, re.IGNORECASE)
            if used and not all(hindi in form for form in forms(message)):
                drifted.append(f"{msgid!r}: expected {hindi!r} in {forms(message)!r}")
    assert drifted == []


def test_catalogue_has_every_message_of_the_source():
    present = {key_of(message) for message in entries()}
    missing = sorted(
        f"{label(key)} from {origin}"
        for key, origin in source_messages().items()
        if key not in present
    )
    assert missing == [], "run makemessages and translate:\n" + "\n".join(missing)


def test_catalogue_has_no_stale_messages():
    needed = source_messages()
    stale = sorted(label(key_of(message)) for message in entries() if key_of(message) not in needed)
    assert stale == [], "no longer in the source (run makemessages):\n" + "\n".join(stale)


@pytest.fixture
def compiled_hindi(settings, tmp_path):
    """Django reading this very .po, compiled now, whatever django.mo holds.

    Changing LOCALE_PATHS makes Django drop its cached translations, both
    here and when the setting is restored."""
    mo_path = tmp_path / "hi" / "LC_MESSAGES" / "django.mo"
    mo_path.parent.mkdir(parents=True)
    with mo_path.open("wb") as handle:
        write_mo(handle, catalogue())
    settings.LOCALE_PATHS = [tmp_path]
    return catalogue()


def served(message: Message) -> tuple[str, ...]:
    """What Django's gettext functions return for this entry, in every form."""
    msgids, context = ids(message), message.context
    if len(msgids) == 2:
        singular, plural = msgids
        if context:
            return tuple(translation.npgettext(context, singular, plural, n) for n in (1, 5))
        return tuple(translation.ngettext(singular, plural, n) for n in (1, 5))
    if context:
        return (translation.pgettext(context, msgids[0]),)
    return (translation.gettext(msgids[0]),)


def test_django_serves_every_entry_in_hindi(compiled_hindi):
    with translation.override("hi"):
        wrong = [
            f"{ids(message)[0]!r}: {served(message)!r} != {forms(message)!r}"
            for message in entries()
            if served(message) != forms(message)
        ]
    assert wrong == []


def test_django_translates_the_roles(compiled_hindi):
    with translation.override("hi"):
        assert translation.gettext("Primary User") == "प्राथमिक उपयोगकर्ता"
        assert translation.gettext("Buyer") == "क्रेता"
        assert translation.gettext("Consignee") == "परेषिती"
        assert translation.gettext("Paying Authority") == "भुगतान प्राधिकारी"
    with translation.override("en"):
        assert translation.gettext("Buyer") == "Buyer"


@pytest.mark.django_db
def test_home_page_in_hindi_for_accept_language_hi(compiled_hindi, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="hi"' in page
    for english in ("Government e-Marketplace", "Sign in", "Skip to main content"):
        hindi = compiled_hindi[english].string
        assert hindi in page, f"{english!r} is not shown as {hindi!r}"
        assert english not in page
