"""The accounts API under `/api/v1/accounts/`: the signed-in user, an
organisation's users (ROLE-1, ROLE-2), office readiness, seller firm users
(ROLE-3) and API tokens.

Authorization, one rule for every operation (checked in the selectors and
services, never here):

- no valid token or session: **401** `auth.required`;
- the object lies outside what the caller may see: **404** `not_found`. One
  sees an organisation (its units and users) by holding any active role in
  it, a seller firm by holding a role in the firm, and one's own tokens;
- the caller sees the object but lacks the role: **403** (`accounts.not_primary`,
  `accounts.not_seller_admin`);
- with an API token the caller acts only through the token's membership.

POSTs that create users accept an `Idempotency-Key`. Creating an API token
does not: its answer carries the secret, which is never stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from kraya.accounts import selectors, services
from kraya.accounts.models import BuyerUnit, Membership, Role, SellerFirm, User
from kraya.accounts.selectors import Actor
from kraya.api.idempotency import idempotent
from kraya.api.pagination import cursor_paginate
from kraya.api.schemas import EmailAddress, error_responses

router = Router(tags=["accounts"])

# --- schemas -------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    level: str
    code: str
    name: str
    name_hi: str


class FirmRef(Schema):
    id: int
    name: str


class MembershipOut(Schema):
    id: int
    role: Role
    buyer_unit: UnitRef | None
    seller_firm: FirmRef | None
    is_active: bool
    created_at: dt.datetime
    deactivated_at: dt.datetime | None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    mobile: str
    preferred_language: str
    roles: list[Role]
    memberships: list[MembershipOut]
    token_membership_id: int | None = Field(
        description="Set when the request used an API token: the one membership it acts through."
    )


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    mobile: str
    is_active: bool
    memberships: list[MembershipOut] = Field(
        description="The user's memberships in this organisation or firm, oldest first."
    )

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        # Users come from `organisation_users_queryset` / `seller_firm_users_queryset`,
        # which prefetch only the memberships of the organisation or firm asked about.
        return list(obj.scoped_memberships)  # type: ignore[attr-defined]


class SecondaryUserIn(Schema):
    username: str = Field(max_length=150)
    full_name: str = Field(max_length=200)
    email: EmailAddress
    mobile: str = Field("", max_length=20)
    password: str = Field(max_length=128)
    roles: list[Role] = Field(max_length=3)
    unit: int | None = Field(
        None, description="The office (or the organisation itself, the default) for the roles."
    )


class SecondaryUserPatch(Schema):
    full_name: str | None = Field(None, max_length=200)
    email: EmailAddress | None = None
    mobile: str | None = Field(None, max_length=20)
    roles: list[Role] | None = Field(
        None, max_length=3, description="The user's roles at `unit`, replacing the current ones."
    )
    unit: int | None = Field(None, description="Default: the office where the user works.")


class HandOverIn(Schema):
    successor: int = Field(description="The id of a user of this organisation.")


class HandOverOut(Schema):
    organisation_id: int
    primary: UserOut


class ReadinessOut(Schema):
    office_id: int
    ready: bool
    missing_roles: list[Role]


class SellerUserIn(Schema):
    username: str = Field(max_length=150)
    full_name: str = Field(max_length=200)
    email: EmailAddress
    mobile: str = Field("", max_length=20)
    password: str = Field(max_length=128)
    roles: list[Role] = Field(max_length=3)


class TokenIn(Schema):
    membership: int = Field(description="One of your memberships; the token acts only through it.")
    name: str = Field(max_length=100)
    expires_in_days: int = Field(90, ge=1, le=365)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    membership_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret, shown this once: store it now.")


class LanguageIn(Schema):
    language: str = Field(max_length=8, description="`en` or `hi`.")


# --- helpers -------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return selectors.actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _organisation_user(user: User, organisation: BuyerUnit) -> User:
    return selectors.organisation_users_queryset(organisation=organisation).get(pk=user.pk)


def _firm_user(user: User, firm: SellerFirm) -> User:
    return selectors.seller_firm_users_queryset(firm=firm).get(pk=user.pk)


def _me_out(actor: Actor) -> dict[str, Any]:
    user = actor.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "mobile": user.mobile,
        "preferred_language": user.preferred_language,
        "roles": sorted({m.role for m in actor.memberships}),
        "memberships": list(actor.memberships),
        "token_membership_id": actor.token_membership_id,
    }


# --- the signed-in user ------------------------------------------------------------


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="Who am I")
def me_get(request: HttpRequest) -> Any:
    """The signed-in user, their active memberships and roles (with a token:
    the token's membership only)."""
    return _me_out(_actor(request))


@router.patch(
    "/me/language",
    response={200: MeOut, **error_responses(401, 422)},
    summary="Set my language",
)
def me_language_set(request: HttpRequest, payload: LanguageIn) -> Any:
    actor = _actor(request)
    user = services.user_set_language(user=actor.user, language=payload.language)
    return _me_out(replace(actor, user=user))


# --- an organisation's users (ROLE-1, ROLE-2) -------------------------------------------


@router.get(
    "/organisations/{organisation_id}/users",
    response={200: list[UserOut], **error_responses(401, 403, 404, 422)},
    summary="List an organisation's users (Primary User)",
)
@cursor_paginate(ordering=("username",))
def organisation_users_list(request: HttpRequest, organisation_id: int) -> Any:
    organisation = selectors.organisation_get_managed(
        actor=_actor(request), organisation_id=organisation_id
    )
    return selectors.organisation_users_queryset(organisation=organisation)


@router.post(
    "/organisations/{organisation_id}/users",
    response={201: UserOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Create a Secondary User (Primary User)",
)
@idempotent
def organisation_user_create(
    request: HttpRequest, organisation_id: int, payload: SecondaryUserIn
) -> Any:
    actor = _actor(request)
    organisation = selectors.organisation_get_managed(actor=actor, organisation_id=organisation_id)
    unit = (
        selectors.organisation_unit_get(organisation=organisation, unit_id=payload.unit)
        if payload.unit is not None
        else organisation
    )
    user = services.secondary_user_create(
        acting_user=actor,
        unit=unit,
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        roles=payload.roles,
        password=payload.password,
        mobile=payload.mobile,
    )
    return Status(201, _organisation_user(user, organisation))


@router.patch(
    "/users/{user_id}",
    response={200: UserOut, **error_responses(401, 403, 404, 422)},
    summary="Edit a user of my organisation (Primary User)",
)
def organisation_user_update(
    request: HttpRequest, user_id: int, payload: SecondaryUserPatch
) -> Any:
    actor = _actor(request)
    user, organisation = selectors.organisation_member_get(actor=actor, user_id=user_id)
    unit = (
        selectors.organisation_unit_get(organisation=organisation, unit_id=payload.unit)
        if payload.unit is not None
        else selectors.member_unit_in(user=user, organisation=organisation)
    )
    roles = payload.roles
    if roles is None:
        roles = selectors.user_current_secondary_roles(user=user, unit=unit)
    user = services.secondary_user_update(
        acting_user=actor,
        user=user,
        unit=unit,
        full_name=payload.full_name if payload.full_name is not None else user.full_name,
        email=payload.email if payload.email is not None else user.email,
        roles=roles,
        mobile=payload.mobile if payload.mobile is not None else user.mobile,
    )
    return _organisation_user(user, organisation)


@router.post(
    "/users/{user_id}/deactivate",
    response={200: UserOut, **error_responses(401, 403, 404, 409)},
    summary="Deactivate a user of my organisation (Primary User)",
)
def organisation_user_deactivate(request: HttpRequest, user_id: int) -> Any:
    """Ends every role the user holds in the caller's organisation."""
    actor = _actor(request)
    user, organisation = selectors.organisation_member_get(actor=actor, user_id=user_id)
    user = services.secondary_user_deactivate(acting_user=actor, user=user, unit=organisation)
    return _organisation_user(user, organisation)


@router.post(
    "/organisations/{organisation_id}/hand-over",
    response={200: HandOverOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Hand the Primary User role to a successor (Primary User)",
)
def organisation_hand_over(request: HttpRequest, organisation_id: int, payload: HandOverIn) -> Any:
    actor = _actor(request)
    organisation = selectors.organisation_get_managed(actor=actor, organisation_id=organisation_id)
    successor = selectors.organisation_user_get(
        organisation=organisation, user_id=payload.successor, field="successor"
    )
    membership = services.primary_role_hand_over(
        acting_user=actor, organisation=organisation, successor=successor
    )
    return {
        "organisation_id": organisation.pk,
        "primary": _organisation_user(membership.user, organisation),
    }


@router.get(
    "/offices/{office_id}/readiness",
    response={200: ReadinessOut, **error_responses(401, 404)},
    summary="Can this office transact?",
)
def office_readiness_get(request: HttpRequest, office_id: int) -> Any:
    """ROLE-2: an office transacts once its organisation has an active Primary
    User and the office a Buyer and a Paying Authority. Any user of the
    organisation may ask."""
    office = selectors.buyer_unit_get(actor=_actor(request), unit_id=office_id)
    missing = selectors.office_readiness(office=office)
    return {"office_id": office.pk, "ready": not missing, "missing_roles": missing}


# --- seller firm users (ROLE-3) --------------------------------------------------------


@router.get(
    "/seller-firms/{firm_id}/users",
    response={200: list[UserOut], **error_responses(401, 403, 404, 422)},
    summary="List a seller firm's users (seller admin)",
)
@cursor_paginate(ordering=("username",))
def seller_firm_users_list(request: HttpRequest, firm_id: int) -> Any:
    firm = selectors.seller_firm_get_managed(actor=_actor(request), firm_id=firm_id)
    return selectors.seller_firm_users_queryset(firm=firm)


@router.post(
    "/seller-firms/{firm_id}/users",
    response={201: UserOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Create a seller user (seller admin)",
)
@idempotent
def seller_firm_user_create(request: HttpRequest, firm_id: int, payload: SellerUserIn) -> Any:
    actor = _actor(request)
    firm = selectors.seller_firm_get_managed(actor=actor, firm_id=firm_id)
    user = services.seller_user_create(
        acting_user=actor,
        firm=firm,
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        roles=payload.roles,
        password=payload.password,
        mobile=payload.mobile,
    )
    return Status(201, _firm_user(user, firm))


@router.post(
    "/seller-firms/{firm_id}/users/{user_id}/deactivate",
    response={200: UserOut, **error_responses(401, 403, 404, 409)},
    summary="Deactivate a seller user (seller admin)",
)
def seller_firm_user_deactivate(request: HttpRequest, firm_id: int, user_id: int) -> Any:
    actor = _actor(request)
    firm = selectors.seller_firm_get_managed(actor=actor, firm_id=firm_id)
    user = selectors.seller_firm_member_get(firm=firm, user_id=user_id)
    user = services.seller_user_deactivate(acting_user=actor, user=user, firm=firm)
    return _firm_user(user, firm)


# --- API tokens ---------------------------------------------------------------------


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses(401, 422)},
    summary="List my API tokens",
)
@cursor_paginate(ordering=("-created_at", "-id"))
def tokens_list(request: HttpRequest) -> Any:
    return selectors.api_tokens_for(actor=_actor(request))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **error_responses(401, 422)},
    summary="Create an API token",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    """The answer carries the secret once; only its hash is stored."""
    actor = _actor(request)
    membership = selectors.actor_membership_get(
        actor=actor, membership_id=payload.membership, field="membership"
    )
    token, raw = services.api_token_create(
        acting_user=actor,
        membership=membership,
        name=payload.name,
        expires_in_days=payload.expires_in_days,
    )
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, **error_responses(401, 404, 409)},
    summary="Revoke one of my API tokens",
)
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    actor = _actor(request)
    token = selectors.api_token_get(actor=actor, token_id=token_id)
    return services.api_token_revoke(acting_user=actor, token=token)
