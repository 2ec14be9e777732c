"""Domain errors with stable codes.

Services raise these; they are mapped to HTTP/JSON in one place
(`kraya.api.errors`) and to form messages in one place (`add_to_form`).
Codes are stable identifiers (`auth.forbidden`, `accounts.role_conflict`);
messages are translated at render time (lazy strings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django import forms


class DomainError(Exception):
    """A refusal the user can act on. `fields` maps a field name to messages."""

    code: str = "error"
    status: int = 400
    # A refusal whose records must outlive it (a refused split kept for the
    # compliance reports, MODE-5): the service committed them itself, and a
    # request-wide transaction around it (`kraya.api.idempotency`) keeps them.
    keeps_writes: bool = False
    default_message: Any = _("The request could not be completed.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: Mapping[str, list[Any] | Any] | None = None,
        status: int | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields: dict[str, list[Any]] = {
            name: list(msgs) if isinstance(msgs, list | tuple) else [msgs]
            for name, msgs in (fields or {}).items()
        }
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": str(self.message),
                "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
            }
        }


class ValidationFailed(DomainError):
    code = "validation"
    status = 422
    default_message = _("Some fields need attention.")


class NotAuthenticated(DomainError):
    code = "auth.required"
    status = 401
    default_message = _("Please sign in.")


class PermissionDenied(DomainError):
    code = "auth.forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


def add_to_form(form: forms.BaseForm, error: DomainError) -> None:
    """Show a domain error on a bound form: field messages on their fields
    (or as non-field errors when the form has no such field), the message on top."""
    placed = False
    for name, messages in error.fields.items():
        for message in messages:
            if name in form.fields:
                form.add_error(name, str(message))
                placed = True
            else:
                form.add_error(None, str(message))
    if not placed:
        form.add_error(None, str(error.message))
