"""Shared helpers of the accounts services: field checks, locks, the acting user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules
from kraya.accounts.models import (
    BuyerUnit,
    Membership,
    SellerFirm,
    User,
)
from kraya.accounts.selectors import Actor, as_actor
from kraya.core.errors import PermissionDenied, ValidationFailed

Acting = User | Actor

# Translated messages for the refusals of `rules.py`, by (code, rule).
_RULE_MESSAGES: dict[tuple[str, str], Any] = {
    ("accounts.role_conflict", "ROLE-1"): _("The Primary User cannot also be a Buyer."),
    ("accounts.role_conflict", "ROLE-2"): _(
        "The Paying Authority cannot also be a Buyer or Consignee in the same office."
    ),
}
_CODE_MESSAGES: dict[str, Any] = {
    "accounts.no_roles": _("Choose at least one role."),
    "accounts.invalid_role": _("This role cannot be given here."),
    "accounts.wrong_level": _("This does not fit the organisation tree."),
}


def rule_message(decision: rules.RoleDecision) -> Any:
    """The translated message for a refused rule decision."""
    return _RULE_MESSAGES.get(
        (decision.code, decision.rule),
        _CODE_MESSAGES.get(decision.code, _("This is not allowed.")),
    )


class FieldErrors:
    """Collects field-level problems so the user sees them all at once; the
    first problem's code becomes the error's code."""

    def __init__(self) -> None:
        self.fields: dict[str, list[Any]] = {}
        self.code = ""

    def add(self, name: str, message: Any, code: str = "validation") -> None:
        self.fields.setdefault(name, []).append(message)
        self.code = self.code or code

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(code=self.code, fields=self.fields)


def decision_error(decision: rules.RoleDecision, field: str = "roles") -> ValidationFailed:
    message = rule_message(decision)
    return ValidationFailed(message, code=decision.code, fields={field: [message]})


def require_operator(acting_user: Acting | None) -> Actor | None:
    """The system (None) or a platform operator."""
    if acting_user is None:
        return None
    actor = as_actor(acting_user)
    if not actor.is_operator:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="accounts.not_operator"
        )
    return actor


def audit_actor(actor: Actor | None) -> User | None:
    return actor.user if actor is not None else None


def lock_unit(unit: BuyerUnit) -> BuyerUnit:
    return BuyerUnit.objects.select_for_update().get(pk=unit.pk)


def lock_firm(firm: SellerFirm) -> SellerFirm:
    return SellerFirm.objects.select_for_update().get(pk=firm.pk)


def lock_user(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


# --- person fields -------------------------------------------------------------


def check_person(
    errors: FieldErrors,
    *,
    full_name: str,
    email: str,
    mobile: str = "",
    field_prefix: str = "",
) -> None:
    if not full_name.strip():
        errors.add(f"{field_prefix}full_name", _("Enter the full name."))
    try:
        validate_email(email)
    except ValidationError:
        errors.add(f"{field_prefix}email", _("Enter a valid email address."))
    if mobile and not rules.mobile_is_valid(mobile):
        errors.add(f"{field_prefix}mobile", _("Enter a 10-digit Indian mobile number."))


def check_new_login(
    errors: FieldErrors,
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    field_prefix: str = "",
) -> None:
    username_field = f"{field_prefix}username"
    if User.objects.filter(username__iexact=username).exists():
        errors.add(username_field, _("This username is already taken."), "accounts.username_taken")
    else:
        try:
            User.username_validator(username)
            if not username or len(username) > 150:
                raise ValidationError("length")
        except ValidationError:
            errors.add(
                username_field,
                _("Use up to 150 letters, digits and @/./+/-/_ only."),
                "accounts.invalid_username",
            )
    candidate = User(username=username, email=email, full_name=full_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        for message in error.messages:
            errors.add(f"{field_prefix}password", message, "accounts.weak_password")


@contextmanager
def refuse_duplicate(field: str, code: str, message: Any) -> Iterator[None]:
    """Run an insert in a savepoint; a unique constraint it breaks (a
    concurrent request won the race past our check) becomes a field error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ValidationFailed(code=code, fields={field: [message]}) from error


def create_login(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    mobile: str = "",
    field_prefix: str = "",
) -> User:
    user = User(username=username, full_name=full_name.strip(), email=email, mobile=mobile)
    user.set_password(password)
    with refuse_duplicate(
        f"{field_prefix}username", "accounts.username_taken", _("This username is already taken.")
    ):
        user.save(force_insert=True)
    return user


def deactivate_if_idle(user: User) -> bool:
    """A user left with no active membership cannot sign in any more."""
    if user.is_active and not Membership.objects.filter(user=user, is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
        return True
    return False
