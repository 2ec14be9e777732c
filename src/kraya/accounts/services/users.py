"""Secondary Users, the Primary role hand-over (ROLE-1, ROLE-2) and a user's own settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules, selectors
from kraya.accounts.models import (
    BuyerUnit,
    Membership,
    Role,
    User,
)
from kraya.accounts.selectors import Actor, as_actor
from kraya.accounts.services._common import (
    Acting,
    FieldErrors,
    audit_actor,
    check_new_login,
    check_person,
    create_login,
    deactivate_if_idle,
    decision_error,
    lock_unit,
    lock_user,
    rule_message,
)
from kraya.core import audit, clock
from kraya.core.errors import Conflict, NotFound, ValidationFailed

# --- secondary users (ROLE-1, ROLE-2) ---------------------------------------------


def _managed_organisation(actor: Actor, unit: BuyerUnit) -> BuyerUnit:
    """Lock and return the organisation of `unit`, which `actor` must manage."""
    organisation = selectors.organisation_of(unit)
    selectors.require_primary(actor=actor, organisation=organisation)
    return lock_unit(organisation)


def _check_roles_at(
    errors: FieldErrors,
    *,
    user: User | None,
    unit: BuyerUnit,
    organisation: BuyerUnit,
    roles: Iterable[str],
) -> None:
    """ROLE-1/ROLE-2 for the roles `user` would hold at `unit` (replacing what
    they hold there now)."""
    roles = set(roles)
    held: set[str] = set()
    if (
        user is not None
        and Membership.objects.filter(
            user=user, buyer_unit=organisation, role=Role.PRIMARY, is_active=True
        ).exists()
    ):
        held.add(rules.PRIMARY)
    decision = rules.secondary_roles_decision(roles, held=held)
    if not decision.allowed:
        errors.add("roles", rule_message(decision), decision.code)
        return
    for role in sorted(roles):
        placement = rules.role_unit_decision(role, unit.level)
        if not placement.allowed:
            errors.add("unit", rule_message(placement), placement.code)
            return


def _check_unit_in(unit: BuyerUnit, organisation: BuyerUnit) -> None:
    if unit.organisation_id != organisation.pk or not unit.is_active:
        raise ValidationFailed(
            code="accounts.wrong_unit",
            fields={"unit": [_("Choose an active office of your organisation.")]},
        )


@transaction.atomic
def secondary_user_create(
    *,
    acting_user: Acting,
    unit: BuyerUnit,
    username: str,
    full_name: str,
    email: str,
    roles: list[Role],
    password: str,
    mobile: str = "",
) -> User:
    """ROLE-1: the Primary User creates a Secondary User with roles in one office."""
    actor = as_actor(acting_user)
    organisation = _managed_organisation(actor, unit)
    _check_unit_in(unit, organisation)
    errors = FieldErrors()
    check_new_login(errors, username=username, password=password, full_name=full_name, email=email)
    check_person(errors, full_name=full_name, email=email, mobile=mobile)
    _check_roles_at(errors, user=None, unit=unit, organisation=organisation, roles=roles)
    errors.raise_if_any()
    user = create_login(
        username=username, password=password, full_name=full_name, email=email, mobile=mobile
    )
    granted = sorted(set(roles))
    Membership.objects.bulk_create(
        Membership(user=user, role=role, buyer_unit=unit, created_by=actor.user) for role in granted
    )
    audit.record(
        actor=actor.user,
        action="accounts.secondary_user.create",
        target=user,
        payload={"unit_id": unit.pk, "organisation_id": organisation.pk, "roles": granted},
    )
    return user


def _require_member(user: User, organisation: BuyerUnit) -> None:
    if not Membership.objects.filter(user=user, buyer_unit__organisation=organisation).exists():
        raise NotFound()


@transaction.atomic
def secondary_user_update(
    *,
    acting_user: Acting,
    user: User,
    unit: BuyerUnit,
    full_name: str,
    email: str,
    roles: list[Role],
    mobile: str = "",
) -> User:
    """ROLE-1: the Primary User edits a user of the organisation; `roles`
    become exactly the roles the user holds at `unit`. Empty `roles` for a
    user with no role at `unit` (the Primary User editing their own name,
    say) changes the person's details only."""
    actor = as_actor(acting_user)
    organisation = _managed_organisation(actor, unit)
    _check_unit_in(unit, organisation)
    _require_member(user, organisation)
    user = lock_user(user)
    current = {
        m.role: m
        for m in Membership.objects.filter(user=user, buyer_unit=unit, is_active=True).exclude(
            role=Role.PRIMARY
        )
    }
    wanted = set(roles)
    errors = FieldErrors()
    check_person(errors, full_name=full_name, email=email, mobile=mobile)
    if wanted or current:
        _check_roles_at(errors, user=user, unit=unit, organisation=organisation, roles=wanted)
    errors.raise_if_any()
    moment = clock.now()
    removed = sorted(role for role in current if role not in wanted)
    added = sorted(role for role in wanted if role not in current)
    Membership.objects.filter(pk__in=[current[role].pk for role in removed]).update(
        is_active=False, deactivated_at=moment
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=role, buyer_unit=unit, created_by=actor.user) for role in added
    )
    changes: dict[str, object] = {}
    for name, value in (("full_name", full_name.strip()), ("email", email), ("mobile", mobile)):
        if getattr(user, name) != value:
            changes[name] = value
            setattr(user, name, value)
    if added and not user.is_active:
        user.is_active = True
        changes["is_active"] = True
    if changes:
        user.save(update_fields=list(changes))
    audit.record(
        actor=actor.user,
        action="accounts.secondary_user.update",
        target=user,
        payload={
            "unit_id": unit.pk,
            "roles_added": added,
            "roles_removed": removed,
            "changed": sorted(changes),
        },
    )
    return user


@transaction.atomic
def secondary_user_deactivate(*, acting_user: Acting, user: User, unit: BuyerUnit) -> User:
    """ROLE-1: the Primary User ends a user's roles in `unit` and below (pass
    the organisation to end them all). The Primary role itself is handed over,
    never deactivated."""
    actor = as_actor(acting_user)
    organisation = _managed_organisation(actor, unit)
    _check_unit_in(unit, organisation)
    _require_member(user, organisation)
    user = lock_user(user)
    if Membership.objects.filter(
        user=user, buyer_unit=organisation, role=Role.PRIMARY, is_active=True
    ).exists():
        raise Conflict(
            _("The Primary User cannot be deactivated; hand the role over first."),
            code="accounts.primary_cannot_be_deactivated",
        )
    active = Membership.objects.filter(
        user=user, buyer_unit__path__startswith=unit.path, is_active=True
    )
    ended = sorted(active.values_list("id", flat=True))
    if not ended:
        raise Conflict(_("This user has no active role here."), code="accounts.already_inactive")
    moment = clock.now()
    Membership.objects.filter(pk__in=ended).update(is_active=False, deactivated_at=moment)
    account_closed = deactivate_if_idle(user)
    audit.record(
        actor=actor.user,
        action="accounts.secondary_user.deactivate",
        target=user,
        payload={"unit_id": unit.pk, "memberships": ended, "account_closed": account_closed},
    )
    return user


@transaction.atomic
def secondary_user_reactivate(
    *, acting_user: Acting, user: User, unit: BuyerUnit, roles: list[Role] | None = None
) -> User:
    """ROLE-1: give a deactivated user roles at `unit` again: `roles`, or
    (when None) the roles they held there when they were last deactivated."""
    actor = as_actor(acting_user)
    organisation = _managed_organisation(actor, unit)
    _check_unit_in(unit, organisation)
    _require_member(user, organisation)
    user = lock_user(user)
    if Membership.objects.filter(user=user, buyer_unit=unit, is_active=True).exists():
        raise Conflict(_("This user already has a role here."), code="accounts.already_active")
    if roles is None:
        last = (
            Membership.objects.filter(user=user, buyer_unit=unit, is_active=False)
            .exclude(role=Role.PRIMARY)
            .order_by("-deactivated_at")
            .values_list("deactivated_at", flat=True)
            .first()
        )
        roles = [
            Role(role)
            for role in Membership.objects.filter(
                user=user, buyer_unit=unit, is_active=False, deactivated_at=last
            )
            .exclude(role=Role.PRIMARY)
            .values_list("role", flat=True)
        ]
    errors = FieldErrors()
    _check_roles_at(errors, user=user, unit=unit, organisation=organisation, roles=roles)
    errors.raise_if_any()
    granted = sorted(set(roles))
    Membership.objects.bulk_create(
        Membership(user=user, role=role, buyer_unit=unit, created_by=actor.user) for role in granted
    )
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit.record(
        actor=actor.user,
        action="accounts.secondary_user.reactivate",
        target=user,
        payload={"unit_id": unit.pk, "roles": granted},
    )
    return user


@transaction.atomic
def primary_role_hand_over(
    *, acting_user: Acting | None, organisation: BuyerUnit, successor: User
) -> Membership:
    """ROLE-1: the Primary User (or an operator) hands the role to a member of
    the organisation who is not a Buyer there; the old Primary loses it."""
    actor = as_actor(acting_user) if acting_user is not None else None
    if actor is not None and not actor.is_operator:
        selectors.require_primary(actor=actor, organisation=organisation)
    if organisation.level != BuyerUnit.Level.ORGANISATION:
        raise ValidationFailed(
            code="accounts.wrong_level",
            fields={"organisation": [_("Choose an organisation.")]},
        )
    organisation = lock_unit(organisation)
    current = (
        Membership.objects.select_for_update()
        .filter(buyer_unit=organisation, role=Role.PRIMARY, is_active=True)
        .first()
    )
    successor = lock_user(successor)
    if current is not None and current.user_id == successor.pk:
        raise Conflict(_("This user is already the Primary User."), code="accounts.already_primary")
    held = set(
        Membership.objects.filter(
            user=successor, buyer_unit__organisation=organisation, is_active=True
        ).values_list("role", flat=True)
    )
    if not held or not successor.is_active:
        raise ValidationFailed(
            code="accounts.not_member",
            fields={"successor": [_("Choose an active user of this organisation.")]},
        )
    decision = rules.can_hold_together(held, rules.PRIMARY)
    if not decision.allowed:
        raise decision_error(decision, field="successor")
    moment = clock.now()
    previous_user: User | None = None
    if current is not None:
        current.is_active = False
        current.deactivated_at = moment
        current.save(update_fields=["is_active", "deactivated_at"])
        previous_user = current.user
    membership = Membership.objects.create(
        user=successor,
        role=Role.PRIMARY,
        buyer_unit=organisation,
        created_by=audit_actor(actor),
        created_at=moment,
    )
    if previous_user is not None:
        deactivate_if_idle(previous_user)
    audit.record(
        actor=audit_actor(actor),
        action="accounts.primary.hand_over",
        target=organisation,
        payload={
            "from_user_id": previous_user.pk if previous_user is not None else None,
            "to_user_id": successor.pk,
        },
    )
    return membership


# --- the user's own settings -----------------------------------------------------------


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """The interface language persists per user."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed(
            code="accounts.invalid_language",
            fields={"language": [_("Choose English or Hindi.")]},
        )
    user = lock_user(user)
    previous = user.preferred_language
    if previous != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    audit.record(
        actor=user,
        action="accounts.user.set_language",
        target=user,
        payload={"from": previous, "to": language},
    )
    return user


@transaction.atomic
def user_sign_up(
    *,
    username: str,
    full_name: str,
    email: str,
    password: str,
    mobile: str = "",
    language: str = "",
) -> User:
    """A person creates their own login, with no role yet: a seller applicant
    (KYC-1) who then registers a firm and becomes its admin (ROLE-3)."""
    errors = FieldErrors()
    check_new_login(errors, username=username, password=password, full_name=full_name, email=email)
    check_person(errors, full_name=full_name, email=email, mobile=mobile)
    errors.raise_if_any()
    user = create_login(
        username=username, password=password, full_name=full_name, email=email, mobile=mobile
    )
    if language in {code for code, _name in settings.LANGUAGES}:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    audit.record(
        actor=user,
        action="accounts.user.sign_up",
        target=user,
        payload={"username": user.username},
    )
    return user


@transaction.atomic
def user_password_set_by_link(*, user: User, password: str) -> User:
    """A user sets their password through the e-mailed link ("Forgot your
    password?"; a seller registered in bulk sets a first one this way). The
    link's token and the password validators were checked by the form; the
    event records whether this was the login's first password."""
    user = lock_user(user)
    first = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=user,
        action="accounts.user.password_set_by_link",
        target=user,
        payload={"first_password": first},
    )
    return user
