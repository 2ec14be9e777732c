"""Reads for accounts: who a user is acting as, organisation and firm user
lists, office readiness, API token look-up.

Visibility (used by services and the API alike): a user *sees* an
organisation, its units and its users when they hold an active membership
anywhere in it, and a seller firm when they hold an active membership in the
firm. Outside what they see an object is `NotFound`; inside it, lacking the
role is `PermissionDenied`."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules
from kraya.accounts.models import ApiToken, BuyerUnit, Membership, Role, SellerFirm, User
from kraya.core import clock
from kraya.core.errors import NotFound, PermissionDenied, ValidationFailed

TOKEN_PREFIX = "kr"
_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def _active_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(is_active=True).select_related(
        "buyer_unit", "buyer_unit__organisation", "seller_firm"
    )


def memberships_for(*, user: User) -> list[Membership]:
    """The user's active memberships, with their units and firms loaded."""
    if not getattr(user, "pk", None):
        return []
    return list(_active_memberships().filter(user=user).order_by("id"))


def roles_for(*, user: User) -> set[Role]:
    return {Role(m.role) for m in memberships_for(user=user)}


@dataclass(frozen=True)
class Actor:
    """Who is acting, and through which memberships. With an API token the
    actor acts only through that token's one membership."""

    user: User
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    token_membership_id: int | None = None

    @property
    def is_operator(self) -> bool:
        return bool(self.user.is_staff) and self.token_membership_id is None

    def roles_in_unit(self, unit: BuyerUnit) -> set[str]:
        return {m.role for m in self.memberships if m.buyer_unit_id == unit.pk}

    def roles_in_organisation(self, organisation: BuyerUnit) -> set[str]:
        return {
            m.role
            for m in self.memberships
            if m.buyer_unit is not None and m.buyer_unit.organisation_id == organisation.pk
        }

    def roles_in_firm(self, firm: SellerFirm) -> set[str]:
        return {m.role for m in self.memberships if m.seller_firm_id == firm.pk}

    def sees_organisation(self, organisation: BuyerUnit) -> bool:
        return bool(self.roles_in_organisation(organisation))

    def sees_firm(self, firm: SellerFirm) -> bool:
        return bool(self.roles_in_firm(firm))

    def is_primary_of(self, organisation: BuyerUnit) -> bool:
        return any(
            m.role == Role.PRIMARY and m.buyer_unit_id == organisation.pk for m in self.memberships
        )

    def is_seller_admin_of(self, firm: SellerFirm) -> bool:
        return any(
            m.role == Role.SELLER_ADMIN and m.seller_firm_id == firm.pk for m in self.memberships
        )


def actor_for(*, user: User, token_membership_id: int | None = None) -> Actor:
    """Build the actor for a request: all active memberships for a session,
    only the token's membership for an API token."""
    memberships = memberships_for(user=user)
    if token_membership_id is not None:
        memberships = [m for m in memberships if m.pk == token_membership_id]
    return Actor(user=user, memberships=tuple(memberships), token_membership_id=token_membership_id)


def as_actor(acting: User | Actor) -> Actor:
    return acting if isinstance(acting, Actor) else actor_for(user=acting)


# --- the organisation tree -------------------------------------------------


def organisation_of(unit: BuyerUnit) -> BuyerUnit:
    """The ORGANISATION-level ancestor of `unit` (itself for an organisation)."""
    if unit.organisation_id is None:
        raise ValidationFailed(
            _("This unit is above the organisation level."),
            code="accounts.wrong_level",
            fields={"unit": [_("Choose an organisation or one of its offices.")]},
        )
    if unit.organisation_id == unit.pk:
        return unit
    organisation = unit.organisation
    assert organisation is not None
    return organisation


def subtree(unit: BuyerUnit) -> QuerySet[BuyerUnit]:
    """`unit` and every unit below it, for roll-ups."""
    return BuyerUnit.objects.filter(path__startswith=unit.path)


def organisation_offices(*, organisation: BuyerUnit) -> list[BuyerUnit]:
    """The organisation node and its offices, tree order (where roles may sit)."""
    return list(
        BuyerUnit.objects.filter(organisation=organisation, is_active=True).order_by("path")
    )


def primary_membership_for(*, organisation: BuyerUnit) -> Membership | None:
    return (
        Membership.objects.filter(buyer_unit=organisation, role=Role.PRIMARY, is_active=True)
        .select_related("user")
        .first()
    )


def organisation_users(*, organisation: BuyerUnit) -> list[tuple[User, list[Membership]]]:
    """Every user with a membership (active or not) in the organisation, with
    those memberships, by name: the Primary User's list of users."""
    users = organisation_users_queryset(organisation=organisation).order_by(
        "full_name", "username", "id"
    )
    return [(user, list(user.scoped_memberships)) for user in users]  # type: ignore[attr-defined]


def seller_firm_users(*, firm: SellerFirm) -> list[tuple[User, list[Membership]]]:
    users = seller_firm_users_queryset(firm=firm).order_by("full_name", "username", "id")
    return [(user, list(user.scoped_memberships)) for user in users]  # type: ignore[attr-defined]


def organisation_users_queryset(*, organisation: BuyerUnit) -> QuerySet[User]:
    """The users of `organisation`; each carries `scoped_memberships` (its
    memberships there, oldest first). For paginated lists."""
    return _users_with_memberships(Membership.objects.filter(buyer_unit__organisation=organisation))


def seller_firm_users_queryset(*, firm: SellerFirm) -> QuerySet[User]:
    """The users of `firm`; each carries `scoped_memberships`."""
    return _users_with_memberships(Membership.objects.filter(seller_firm=firm))


def _users_with_memberships(memberships: QuerySet[Membership]) -> QuerySet[User]:
    rows = memberships.select_related("buyer_unit", "seller_firm").order_by("id")
    return User.objects.filter(pk__in=memberships.values("user_id")).prefetch_related(
        Prefetch("memberships", queryset=rows, to_attr="scoped_memberships")
    )


def office_readiness(*, office: BuyerUnit) -> list[Role]:
    """ROLE-2: the roles `office` still lacks to transact (empty when ready).
    The Primary User is counted at the office's organisation."""
    present: set[str] = set(
        Membership.objects.filter(
            buyer_unit=office, is_active=True, user__is_active=True
        ).values_list("role", flat=True)
    )
    if office.organisation_id is not None:
        has_primary = Membership.objects.filter(
            buyer_unit_id=office.organisation_id,
            role=Role.PRIMARY,
            is_active=True,
            user__is_active=True,
        ).exists()
        if has_primary:
            present.add(Role.PRIMARY)
    return [Role(role) for role in rules.office_readiness(present)]


# --- authorization look-ups (404 outside what one sees, 403 without the role) ---


def buyer_unit_get(*, actor: Actor, unit_id: int) -> BuyerUnit:
    """A unit inside an organisation the actor sees."""
    unit = BuyerUnit.objects.select_related("organisation").filter(pk=unit_id).first()
    if unit is None or unit.organisation is None or not actor.sees_organisation(unit.organisation):
        raise NotFound()
    return unit


def organisation_get_managed(*, actor: Actor, organisation_id: int) -> BuyerUnit:
    """An organisation whose Primary User the actor is (ROLE-1)."""
    unit = buyer_unit_get(actor=actor, unit_id=organisation_id)
    if unit.level != BuyerUnit.Level.ORGANISATION:
        raise NotFound()
    require_primary(actor=actor, organisation=unit)
    return unit


def require_primary(*, actor: Actor, organisation: BuyerUnit) -> None:
    """ROLE-1: only the organisation's Primary User manages its users."""
    if actor.is_primary_of(organisation):
        return
    if actor.sees_organisation(organisation):
        raise PermissionDenied(
            _("Only the Primary User of this organisation can do this."),
            code="accounts.not_primary",
        )
    raise NotFound()


def organisation_member_get(*, actor: Actor, user_id: int) -> tuple[User, BuyerUnit]:
    """A user of an organisation the actor manages, and that organisation."""
    organisations = {
        m.buyer_unit.organisation_id: m.buyer_unit.organisation
        for m in Membership.objects.filter(user_id=user_id, buyer_unit__isnull=False)
        .select_related("buyer_unit__organisation")
        .order_by("id")
        if m.buyer_unit is not None
    }
    visible = [org for org in organisations.values() if org and actor.sees_organisation(org)]
    if not visible:
        raise NotFound()
    managed = [org for org in visible if actor.is_primary_of(org)]
    if not managed:
        raise PermissionDenied(
            _("Only the Primary User of this organisation can do this."),
            code="accounts.not_primary",
        )
    return User.objects.get(pk=user_id), managed[0]


def member_unit_in(*, user: User, organisation: BuyerUnit) -> BuyerUnit:
    """The unit where `user` last held a role in `organisation` (their office)."""
    membership = (
        Membership.objects.filter(user=user, buyer_unit__organisation=organisation)
        .exclude(role=Role.PRIMARY)
        .select_related("buyer_unit")
        .order_by("-is_active", "-id")
        .first()
    )
    if membership is None or membership.buyer_unit is None:
        return organisation
    return membership.buyer_unit


def organisation_unit_get(
    *, organisation: BuyerUnit, unit_id: int, field: str = "unit"
) -> BuyerUnit:
    """A unit of `organisation` named in a request body."""
    unit = BuyerUnit.objects.filter(pk=unit_id, organisation=organisation).first()
    if unit is None:
        raise ValidationFailed(
            code="accounts.wrong_unit",
            fields={field: [_("Choose an active office of your organisation.")]},
        )
    return unit


def organisation_user_get(*, organisation: BuyerUnit, user_id: int, field: str) -> User:
    """A user with a membership in `organisation`, named in a request body."""
    user = (
        User.objects.filter(pk=user_id, memberships__buyer_unit__organisation=organisation)
        .distinct()
        .first()
    )
    if user is None:
        raise ValidationFailed(
            code="accounts.not_member",
            fields={field: [_("Choose an active user of this organisation.")]},
        )
    return user


def actor_membership_get(*, actor: Actor, membership_id: int, field: str) -> Membership:
    """One of the actor's own active memberships, named in a request body."""
    for membership in actor.memberships:
        if membership.pk == membership_id:
            return membership
    raise ValidationFailed(
        code="accounts.not_your_membership",
        fields={field: [_("Choose one of your own roles.")]},
    )


def user_current_secondary_roles(*, user: User, unit: BuyerUnit) -> list[Role]:
    """The Secondary User roles `user` holds at `unit` now."""
    return [
        Role(role)
        for role in Membership.objects.filter(user=user, buyer_unit=unit, is_active=True)
        .exclude(role=Role.PRIMARY)
        .order_by("role")
        .values_list("role", flat=True)
    ]


def seller_firm_get(*, actor: Actor, firm_id: int) -> SellerFirm:
    firm = SellerFirm.objects.filter(pk=firm_id).first()
    if firm is None or not actor.sees_firm(firm):
        raise NotFound()
    return firm


def seller_firm_get_managed(*, actor: Actor, firm_id: int) -> SellerFirm:
    """A firm whose admin the actor is (ROLE-3)."""
    firm = seller_firm_get(actor=actor, firm_id=firm_id)
    require_seller_admin(actor=actor, firm=firm)
    return firm


def require_seller_admin(*, actor: Actor, firm: SellerFirm) -> None:
    """ROLE-3: only the firm's admin manages its users."""
    if actor.is_seller_admin_of(firm):
        return
    if actor.sees_firm(firm):
        raise PermissionDenied(
            _("Only the admin of this seller firm can do this."),
            code="accounts.not_seller_admin",
        )
    raise NotFound()


def seller_firm_member_get(*, firm: SellerFirm, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, memberships__seller_firm=firm).distinct().first()
    if user is None:
        raise NotFound()
    return user


def office_get_for_readiness(*, actor: Actor, office_id: int) -> BuyerUnit:
    """Any member of the organisation may see whether an office is ready."""
    return buyer_unit_get(actor=actor, unit_id=office_id)


# --- API tokens --------------------------------------------------------------


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_tokens_for(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's tokens (all of them for a session; with a token, those of
    its membership)."""
    tokens = ApiToken.objects.filter(membership__user=actor.user).select_related(
        "membership", "membership__buyer_unit", "membership__seller_firm"
    )
    if actor.token_membership_id is not None:
        tokens = tokens.filter(membership_id=actor.token_membership_id)
    return tokens.order_by("-created_at", "-id")


def api_token_get(*, actor: Actor, token_id: int) -> ApiToken:
    token = api_tokens_for(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The valid (unexpired, unrevoked, active membership and user) token for
    `raw`, or None. Records use at most once a minute."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("membership", "membership__user")
        .filter(key_hash=api_token_hash(raw.strip()), prefix=parts[1])
        .first()
    )
    if token is None:
        return None
    moment = clock.now()
    if token.revoked_at is not None or token.expires_at <= moment:
        return None
    if not token.membership.is_active or not token.membership.user.is_active:
        return None
    if token.last_used_at is None or moment - token.last_used_at >= _LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        token.last_used_at = moment
    return token
