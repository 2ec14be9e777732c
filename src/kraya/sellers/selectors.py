"""Reads for sellers: a registration for its applicant or an operator, the
seller directory (operators), segments per firm and the KYC-2 check.

Visibility: a registration is seen by its applicant, the admin of the firm
it created, and operators; to anyone else it does not exist (`NotFound`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor
from kraya.core.errors import NotFound, PermissionDenied
from kraya.core.policy import policy_at
from kraya.sellers import rules
from kraya.sellers.models import Registration, SellerOffice, SocialCategory


def registration_for_applicant(*, user: User) -> Registration | None:
    """The user's latest self-service registration (to resume a draft or
    see its state), or None."""
    if not getattr(user, "pk", None):
        return None
    return Registration.objects.filter(applicant=user).order_by("-id").first()


def registration_get(*, actor: Actor, registration_id: int) -> Registration:
    """A registration the actor may read (its applicant, its firm's admin, an operator)."""
    registration = (
        Registration.objects.select_related("firm", "applicant", "verified_by")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise NotFound()
    if actor.is_operator or registration.applicant_id == actor.user.pk:
        return registration
    if registration.firm is not None and actor.is_seller_admin_of(registration.firm):
        return registration
    raise NotFound()


def registration_details(*, registration: Registration) -> Registration:
    """The registration with its offices, bank account and categories loaded."""
    return (
        Registration.objects.select_related("firm", "bank_account")
        .prefetch_related("offices", "categories")
        .get(pk=registration.pk)
    )


def require_operator(*, actor: Actor) -> None:
    if not actor.is_operator:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="accounts.not_operator"
        )


def seller_directory(
    *,
    state: str | None = None,
    district: str | None = None,
    segment: str | None = None,
    status: str | None = None,
    business_type: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> QuerySet[Registration]:
    """Submitted, verified and rejected sellers (drafts are not sellers yet),
    filtered; one query (the firm joined). `category` is the size category
    (MICRO/SMALL/MEDIUM, KYC-3); `q` matches the legal or trade name, or the
    PAN exactly. Load the page's segments with `registration_segments`."""
    rows = Registration.objects.select_related("firm").exclude(status=Registration.Status.DRAFT)
    if state:
        rows = rows.filter(state=state)
    if district:
        rows = rows.filter(district__iexact=district.strip())
    if status:
        rows = rows.filter(status=status)
    if business_type:
        rows = rows.filter(business_type=business_type)
    if segment:
        rows = rows.filter(
            pk__in=SocialCategory.objects.filter(kind=segment).values("registration_id")
        )
    if category:
        rows = rows.filter(
            pk__in=SocialCategory.objects.filter(kind=rules.MSE, mse_class=category).values(
                "registration_id"
            )
        )
    text = (q or "").strip()
    if text:
        rows = rows.filter(
            Q(legal_name__icontains=text) | Q(trade_name__icontains=text) | Q(pan=text.upper())
        )
    return rows


def registration_segments(*, registration_ids: Iterable[int]) -> dict[int, set[str]]:
    """KYC-3: each registration's segments, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = SocialCategory.objects.filter(registration_id__in=list(registration_ids))
    for registration_id, kind in rows.values_list("registration_id", "kind"):
        found[registration_id].add(kind)
    return dict(found)


def seller_segments(*, firm_ids: Iterable[int]) -> dict[int, set[str]]:
    """KYC-3: each seller firm's segments (social and size categories), in
    one query; firms without any are absent."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = SocialCategory.objects.filter(registration__firm_id__in=list(firm_ids))
    for firm_id, kind in rows.values_list("registration__firm_id", "kind"):
        found[firm_id].add(kind)
    return dict(found)


def kyc2_check(*, firm: SellerFirm, order_value_paise: int, on: dt.date) -> rules.KycDecision:
    """KYC-2: may this firm accept an order of this value on this date (a
    seller without any GSTIN only up to the policy limit, ₹2.5 lakh)?"""
    has_gstin = SellerOffice.objects.filter(registration__firm=firm, gstin__isnull=False).exists()
    return rules.order_allowed_without_gstin(
        has_gstin=has_gstin, order_value_paise=order_value_paise, kyc_policy=policy_at(on).kyc
    )
