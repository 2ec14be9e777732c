"""Translations of stored data that gettext does not cover: the names of the
states and union territories, which are stored in English (they are keys)
and shown in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import lazy
from django.utils.translation import get_language

from kraya.core.display import state_name


def _state_label(name: str) -> str:
    return state_name(name, language=get_language())


# Evaluated when rendered, so a form built at import shows the reader's language.
state_label = lazy(_state_label, str)


def state_choices(names: Iterable[str], *, blank: str | None = "—") -> list[tuple[str, str]]:
    """Choices for a state select: stored English value, label in the reader's
    language; with a leading empty choice unless `blank` is None."""
    choices: list[tuple[str, str]] = [] if blank is None else [("", blank)]
    choices.extend((name, state_label(name)) for name in names)
    return choices
