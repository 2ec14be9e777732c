"""Offers (CAT-2, CAT-4): sellers make, clone, re-price and withdraw them;
every change of price, MRP or stock is kept in the offer's price history, and
the price flag is judged again against the product's reference price."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor
from kraya.catalog import rules
from kraya.catalog.models import Offer, OfferPriceChange, PriceReference, Product
from kraya.catalog.selectors import offer_etag
from kraya.catalog.services._common import (
    Acting,
    catalogue_user,
    field_error,
    operator_or_system,
    refuse,
    reindex_on_commit,
    user_of,
)
from kraya.catalog.services.products import require_offerable
from kraya.core import audit, clock
from kraya.core.errors import Conflict
from kraya.core.policy import policy_at

SOURCES = frozenset(OfferPriceChange.Source.values)


def _observations(rows: QuerySet[PriceReference]) -> list[rules.Observation]:
    return [
        rules.Observation(price_paise=price, observed_at=at)
        for price, at in rows.values_list("price_paise", "observed_at")
    ]


def reference_for(product: Product, *, now: dt.datetime | None = None) -> rules.PriceFlag:
    """CAT-4: the product's reference price under the policy in force, as a
    flag value for a price of 0 (never flagged): callers judge their prices."""
    return flag_for(product=product, price_paise=0, now=now)


def flag_for(
    *, product: Product, price_paise: int, now: dt.datetime | None = None
) -> rules.PriceFlag:
    """CAT-4: judge a price against the product's reference price."""
    now = now or clock.now()
    policy = policy_at(clock.to_ist(now).date()).catalogue
    since = now - dt.timedelta(days=policy.reference_window_days)
    references = PriceReference.objects.filter(product=product)
    transactions = _observations(
        references.filter(kind=rules.TRANSACTION, observed_at__gte=since, observed_at__lte=now)
    )
    market = _observations(
        references.filter(kind=rules.MARKET, observed_at__lte=now).order_by("-observed_at", "-id")[
            :1
        ]
    )
    reference = rules.reference_price(
        transactions=transactions, market=market, now=now, window_days=policy.reference_window_days
    )
    return rules.price_flag(price_paise=price_paise, reference=reference, policy=policy)


def _apply_flag(offer: Offer, flag: rules.PriceFlag) -> None:
    offer.price_flag = flag.flag
    offer.reference_price_paise = flag.reference.price_paise if flag.reference else None
    offer.price_evidence = flag.evidence()


def _record_price(offer: Offer, *, user: User | None, source: str) -> None:
    OfferPriceChange.objects.create(
        offer=offer,
        price_paise=offer.price_paise,
        mrp_paise=offer.mrp_paise,
        stock=offer.stock,
        changed_at=offer.updated_at,
        changed_by=user,
        source=source,
    )


def _terms_problems(
    *,
    price_paise: int,
    mrp_paise: int,
    stock: int,
    lead_time_days: int,
    delivery_states: Sequence[str],
    delivery_pincodes: str,
) -> list[rules.Problem]:
    return rules.offer_problems(
        price_paise=price_paise, mrp_paise=mrp_paise, stock=stock, lead_time_days=lead_time_days
    ) + rules.delivery_problems(states=delivery_states, pincodes=delivery_pincodes)


def _flag_payload(offer: Offer) -> dict[str, Any]:
    return {
        "price_paise": offer.price_paise,
        "mrp_paise": offer.mrp_paise,
        "stock": offer.stock,
        "price_flag": offer.price_flag,
        "reference_price_paise": offer.reference_price_paise,
    }


@transaction.atomic
def offer_create(
    *,
    acting_user: Acting,
    firm: SellerFirm,
    product: Product,
    price_paise: int,
    mrp_paise: int,
    delivery_states: Sequence[str],
    delivery_pincodes: str = "",
    stock: int = 0,
    lead_time_days: int = 7,
    source: str = "WEB",
) -> Offer:
    """A seller firm offers a product or service at an all-inclusive price
    (CAT-2), never above the MRP, flagged when well above the reference
    price (CAT-4). An offer of a product awaiting approval waits with it."""
    actor = catalogue_user(acting_user, firm)
    problems = _terms_problems(
        price_paise=price_paise,
        mrp_paise=mrp_paise,
        stock=stock,
        lead_time_days=lead_time_days,
        delivery_states=delivery_states,
        delivery_pincodes=delivery_pincodes,
    )
    if problems:
        raise refuse(problems)
    if not firm.is_active:
        raise field_error("firm", "catalog.firm_inactive")
    product = Product.objects.select_related("category").get(pk=product.pk)
    require_offerable(actor_firm=firm, product=product)
    if not product.category.is_active:
        raise field_error("product", "catalog.category_inactive")
    now = clock.now()
    offer = Offer(
        seller_firm=firm,
        product=product,
        category_id=product.category_id,
        price_paise=price_paise,
        mrp_paise=mrp_paise,
        stock=stock,
        lead_time_days=lead_time_days,
        delivery_state_mask=rules.state_mask(delivery_states),
        delivery_pincodes=",".join(rules.parse_pincodes(delivery_pincodes)[0]),
        status=rules.offer_status_on_create(product_status=product.status),
        created_at=now,
        updated_at=now,
    )
    _apply_flag(offer, flag_for(product=product, price_paise=price_paise, now=now))
    offer.save()
    _record_price(offer, user=actor.user, source=source if source in SOURCES else "WEB")
    audit.record(
        actor=actor.user,
        action="catalog.offer.create",
        target=offer,
        payload={
            "firm": firm.pk,
            "product": product.pk,
            "category": product.category.code,
            "status": offer.status,
            "delivery_states": rules.states_in_mask(offer.delivery_state_mask),
            **_flag_payload(offer),
        },
    )
    reindex_on_commit([offer.pk])
    return offer


@transaction.atomic
def offer_clone(*, acting_user: Acting, offer: Offer, product: Product | None = None) -> Offer:
    """CAT-2: a new offer with the terms of one of the firm's offers, of the
    same product or (typically) a sibling one. It is judged afresh."""
    firm = offer.seller_firm
    catalogue_user(acting_user, firm)
    return offer_create(
        acting_user=acting_user,
        firm=firm,
        product=product or offer.product,
        price_paise=offer.price_paise,
        mrp_paise=offer.mrp_paise,
        delivery_states=rules.states_in_mask(offer.delivery_state_mask),
        delivery_pincodes=offer.delivery_pincodes,
        stock=offer.stock,
        lead_time_days=offer.lead_time_days,
    )


def _locked_open_offer(offer: Offer, actor: Actor, if_match: str | None) -> Offer:
    locked = Offer.objects.select_for_update().select_related("product").get(pk=offer.pk)
    if if_match is not None and if_match != offer_etag(locked):
        raise Conflict(code="catalog.offer_changed", status=412)
    if locked.status not in {rules.PENDING, rules.PUBLISHED}:
        raise Conflict(code="catalog.offer_not_open")
    return locked


@transaction.atomic
def offer_update_terms(
    *,
    acting_user: Acting,
    offer: Offer,
    price_paise: int | None = None,
    mrp_paise: int | None = None,
    stock: int | None = None,
    lead_time_days: int | None = None,
    delivery_states: Sequence[str] | None = None,
    delivery_pincodes: str | None = None,
    source: str = "WEB",
    if_match: str | None = None,
) -> Offer:
    """CAT-2/CAT-4: change an open offer's price, MRP, stock, lead time or
    delivery area. Price, MRP or stock changes go into the price history;
    the price flag is judged again. `if_match` is the ETag the caller read."""
    actor = catalogue_user(acting_user, offer.seller_firm)
    locked = _locked_open_offer(offer, actor, if_match)
    new_price = locked.price_paise if price_paise is None else price_paise
    new_mrp = locked.mrp_paise if mrp_paise is None else mrp_paise
    new_stock = locked.stock if stock is None else stock
    new_lead = locked.lead_time_days if lead_time_days is None else lead_time_days
    states = (
        rules.states_in_mask(locked.delivery_state_mask)
        if delivery_states is None
        else list(delivery_states)
    )
    pincodes = locked.delivery_pincodes if delivery_pincodes is None else delivery_pincodes
    problems = _terms_problems(
        price_paise=new_price,
        mrp_paise=new_mrp,
        stock=new_stock,
        lead_time_days=new_lead,
        delivery_states=states,
        delivery_pincodes=pincodes,
    )
    if problems:
        raise refuse(problems)
    before = _flag_payload(locked)
    price_moved = (new_price, new_mrp, new_stock) != (
        locked.price_paise,
        locked.mrp_paise,
        locked.stock,
    )
    locked.price_paise, locked.mrp_paise, locked.stock = new_price, new_mrp, new_stock
    locked.lead_time_days = new_lead
    locked.delivery_state_mask = rules.state_mask(states)
    locked.delivery_pincodes = ",".join(rules.parse_pincodes(pincodes)[0])
    locked.updated_at = clock.now()
    _apply_flag(
        locked, flag_for(product=locked.product, price_paise=new_price, now=locked.updated_at)
    )
    locked.save()
    if price_moved:
        _record_price(locked, user=actor.user, source=source if source in SOURCES else "WEB")
    audit.record(
        actor=actor.user,
        action="catalog.offer.update_terms",
        target=locked,
        payload={
            "before": before,
            "after": _flag_payload(locked),
            "lead_time_days": new_lead,
            "delivery_states": rules.states_in_mask(locked.delivery_state_mask),
            "source": source,
        },
    )
    reindex_on_commit([locked.pk])
    return locked


@transaction.atomic
def offer_withdraw(*, acting_user: Acting, offer: Offer) -> Offer:
    """CAT-2: the seller takes an offer off the catalogue (for good)."""
    actor = catalogue_user(acting_user, offer.seller_firm)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    target = rules.OFFER_TRANSITIONS.get((locked.status, "withdraw"))
    if target is None:
        raise Conflict(code="catalog.offer_not_open")
    previous = locked.status
    locked.status = target
    locked.updated_at = clock.now()
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor.user,
        action="catalog.offer.withdraw",
        target=locked,
        payload={"from": previous},
    )
    reindex_on_commit([locked.pk])
    return locked


@transaction.atomic
def offer_remove(*, acting_user: Acting | None, offer: Offer, reason: str) -> Offer | None:
    """INC-2 catalogue removal: an operator (or the system, for an incident's
    decided action) withdraws an open offer with a reason. Returns None when
    the offer was no longer open (nothing to remove)."""
    actor = operator_or_system(acting_user)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    target = rules.OFFER_TRANSITIONS.get((locked.status, "withdraw"))
    if target is None:
        return None
    previous = locked.status
    locked.status = target
    locked.updated_at = clock.now()
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor.user if actor else None,
        action="catalog.offer.removed",
        target=locked,
        payload={"from": previous, "reason": reason},
    )
    reindex_on_commit([locked.pk])
    return locked


def reflag_offers(offers: Iterable[Offer], *, now: dt.datetime) -> list[int]:
    """Judge these offers' prices again (CAT-4); returns the ids whose flag
    or reference changed (already saved)."""
    changed: list[int] = []
    cache: dict[int, rules.PriceFlag] = {}
    for offer in offers:
        if offer.product_id not in cache:
            cache[offer.product_id] = reference_for(offer.product, now=now)
        reference = cache[offer.product_id]
        flag = rules.price_flag(
            price_paise=offer.price_paise,
            reference=reference.reference,
            policy=policy_at(clock.to_ist(now).date()).catalogue,
        )
        before = (offer.price_flag, offer.reference_price_paise, offer.price_evidence)
        _apply_flag(offer, flag)
        if before != (offer.price_flag, offer.reference_price_paise, offer.price_evidence):
            offer.save(update_fields=["price_flag", "reference_price_paise", "price_evidence"])
            changed.append(offer.pk)
    return changed


@transaction.atomic
def price_reference_add(
    *,
    acting_user: Acting | None,
    product: Product,
    kind: str,
    price_paise: int,
    observed_at: dt.datetime | None = None,
    source: str = "",
) -> PriceReference:
    """CAT-4: record an observed price for a product (operators record market
    prices; orders record transaction prices) and judge its open offers again."""
    actor = operator_or_system(acting_user)
    now = clock.now()
    observed = observed_at or now
    if observed.tzinfo is None:  # a date-time without a zone is read as IST
        observed = observed.replace(tzinfo=clock.IST)
    problems: list[rules.Problem] = []
    if kind not in {rules.TRANSACTION, rules.MARKET}:
        problems.append(rules.Problem("kind", "catalog.bad_reference_kind", "CAT-4"))
    if not 0 < price_paise <= rules.MAX_PRICE_PAISE:
        problems.append(rules.Problem("price_paise", "catalog.price_not_positive", "CAT-4"))
    if observed > now:
        problems.append(rules.Problem("observed_at", "catalog.observed_in_future", "CAT-4"))
    if problems:
        raise refuse(problems)
    reference = PriceReference.objects.create(
        product=product,
        kind=kind,
        price_paise=price_paise,
        observed_at=observed,
        source=source.strip()[:300],
        created_at=now,
    )
    open_offers = (
        Offer.objects.select_for_update()
        .filter(product=product, status__in=[rules.PENDING, rules.PUBLISHED])
        .select_related("product")
        .order_by("id")
    )
    changed = reflag_offers(open_offers, now=now)
    audit.record(
        actor=user_of(actor),
        action="catalog.price_reference.add",
        target=reference,
        payload={
            "product": product.pk,
            "kind": kind,
            "price_paise": price_paise,
            "observed_at": observed.isoformat(),
            "offers_reflagged": changed,
        },
    )
    reindex_on_commit(changed)
    return reference
