"""Shared API schemas: the email field and the documented error body."""

from __future__ import annotations

import pytest
from django.utils import translation
from ninja import Schema
from pydantic import ValidationError

from kraya.api.schemas import EmailAddress, ErrorOut, error_responses


class Contact(Schema):
    email: EmailAddress


def test_email_is_trimmed():
    assert Contact(email="  asha@example.in ").email == "asha@example.in"


@pytest.mark.parametrize("value", ["asha", "asha@", "@example.in", "a b@example.in", ""])
def test_bad_email_says_so(value):
    with pytest.raises(ValidationError) as caught:
        Contact(email=value)
    assert "Enter a valid email address." in str(caught.value)


def test_bad_email_message_is_in_the_active_language():
    with translation.override("hi"):
        in_hindi = translation.gettext("Enter a valid email address.")
        with pytest.raises(ValidationError) as caught:
            Contact(email="asha")
    assert in_hindi != "Enter a valid email address."
    assert caught.value.errors()[0]["ctx"]["error"].args == (in_hindi,)


def test_overlong_email_is_refused():
    with pytest.raises(ValidationError) as caught:
        Contact(email="a" * 250 + "@example.in")
    assert caught.value.errors()[0]["type"] == "string_too_long"


def test_error_responses_document_each_status():
    assert error_responses(401, 422) == {401: ErrorOut, 422: ErrorOut}
    body = {"error": {"code": "x", "message": "y", "fields": {"f": ["z"]}}}
    assert ErrorOut.model_validate(body).model_dump() == body
