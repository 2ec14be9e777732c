"""Helpers for the web-page tests: clients signed in as a given user, and the
text a page shows in a given language."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from kraya.accounts.models import User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def client_as() -> Callable[..., Client]:
    """`client_as(user, language=None, **client_kwargs)`: a fresh browser
    signed in as `user`; with `language`, switched to it with the header's
    language switch (which also saves it as the user's preference)."""

    def build(user: User, language: str | None = None, **kwargs: object) -> Client:
        browser = Client(**kwargs)  # type: ignore[arg-type]
        browser.force_login(user, backend=MODEL_BACKEND)
        if language is not None:
            response = browser.post("/i18n/setlang/", {"language": language, "next": "/"})
            assert response.status_code == 302
        return browser

    return build


def shown(text: str, language: str = "en") -> str:
    """`text` as a page in `language` shows it (translated, HTML-escaped)."""
    with translation.override(language):
        return str(escape(translation.gettext(text)))


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match, "the page has no <html lang>"
    return match.group(1).decode()


def can_sign_in(username: str, password: str) -> bool:
    """Whether the sign-in page lets `username` in with `password` (a fresh browser)."""
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302
