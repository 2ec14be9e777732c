"""Schemas and field types shared by every router."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, Field


def _email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except DjangoValidationError:
        # Raised while validating a request, so in that request's language.
        raise ValueError(_("Enter a valid email address.")) from None
    return value


# An email address checked with Django's validator (pydantic's EmailStr needs
# an extra package); the error reads "Enter a valid email address.".
EmailAddress = Annotated[str, Field(max_length=254), AfterValidator(_email)]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    """The body of every 4xx response (`kraya.api.errors`)."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, Any]:
    """Document error statuses on an operation in one expression:
    `response={200: OfferOut, **error_responses(401, 403, 422)}`."""
    return dict.fromkeys(statuses, ErrorOut)


class HealthOut(Schema):
    status: str
    database: str
