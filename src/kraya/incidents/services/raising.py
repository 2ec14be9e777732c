"""INC-1: raising an incident against a bid, an order or a catalogue offer
(by a party, an operator, or the system after repeated auto-cancels), with
its number `KRY/I/<year>/<NNNNNN>` and its 7-day response deadline."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

from kraya.accounts.models import BuyerUnit, SellerFirm
from kraya.accounts.selectors import Actor, as_actor
from kraya.bids import states as bid_states
from kraya.bids.models import Bid, Submission
from kraya.bids.selectors import may_see_bid
from kraya.buying.selectors import may_see_office
from kraya.catalog import rules as catalog_rules
from kraya.catalog.models import Offer
from kraya.core import audit, clock
from kraya.core.policy import policy_at
from kraya.incidents import notices, rules, states
from kraya.incidents.models import Incident, IncidentMessage
from kraya.incidents.services._common import (
    BUYER_SIDE_ROLES,
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    clean_text,
    denied,
    firm_side,
    invalid,
    not_found,
    office_side,
)
from kraya.incidents.services.transitions import sync_order_flag
from kraya.orders.models import Order

NUMBER_PREFIX = "KRY/I"
_NUMBER_LOCK_KEY = (
    int.from_bytes(hashlib.sha256(b"kraya.incidents.number").digest()[:8], "big") >> 1
)


@dataclass(frozen=True, slots=True)
class DocumentInput:
    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class _Parties:
    side: str
    raiser_office: BuyerUnit | None
    raiser_firm: SellerFirm | None
    respondent_office: BuyerUnit | None
    respondent_firm: SellerFirm | None


def check_document(document: DocumentInput | None, field: str = "document") -> None:
    if document is None:
        return
    magic = DOCUMENT_TYPES.get(document.content_type)
    if magic is None or not document.content.startswith(magic) or not document.file_name.strip():
        raise invalid(field, "incidents.document_type")
    if len(document.content) > MAX_DOCUMENT_BYTES:
        raise invalid(field, "incidents.document_too_large", limit_mb=MAX_DOCUMENT_BYTES // 1024**2)


def add_message(
    *, incident: Incident, kind: str, author: Any, text: str, document: DocumentInput | None
) -> IncidentMessage:
    return IncidentMessage.objects.create(
        incident=incident,
        kind=kind,
        author=author,
        text=text,
        file_name=document.file_name.strip()[:255] if document else "",
        content_type=document.content_type if document else "",
        content=document.content if document else None,
    )


def _next_number(year: int) -> str:
    """The year's highest number plus one, under a lock held to the end of
    the transaction (SQLite's IMMEDIATE transactions already serialise);
    the unique constraint is the backstop."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBER_LOCK_KEY])
    prefix = f"{NUMBER_PREFIX}/{year}/"
    last = (
        Incident.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _buyer_office_of(actor: Actor) -> BuyerUnit | None:
    for membership in actor.memberships:
        if membership.buyer_unit is not None and membership.role in BUYER_SIDE_ROLES:
            return membership.buyer_unit
    return None


def _order_parties(actor: Actor, order: Order) -> _Parties:
    if office_side(actor, order.buyer_office):
        return _Parties(Incident.Side.BUYER, order.buyer_office, None, None, order.seller_firm)
    if firm_side(actor, order.seller_firm):
        return _Parties(Incident.Side.SELLER, None, order.seller_firm, order.buyer_office, None)
    if actor.is_operator:
        return _Parties(Incident.Side.OPERATOR, None, None, None, order.seller_firm)
    if may_see_office(actor, order.buyer_office):
        raise denied("incidents.not_party")
    raise not_found("incidents.target_not_found")


def _bidder(bid: Bid, firm: SellerFirm | None) -> SellerFirm:
    if firm is None:
        raise invalid("respondent_firm", "incidents.respondent_required")
    if not Submission.objects.filter(bid=bid, seller_firm=firm).exists():
        raise invalid("respondent_firm", "incidents.respondent_not_bidder")
    return firm


def _bid_parties(
    actor: Actor, bid: Bid, respondent_firm: SellerFirm | None, *, check_only: bool = False
) -> _Parties:
    if office_side(actor, bid.office):
        firm = respondent_firm if check_only else _bidder(bid, respondent_firm)
        return _Parties(Incident.Side.BUYER, bid.office, None, None, firm)
    bidding_firms = Submission.objects.filter(bid=bid).values_list("seller_firm_id", flat=True)
    firm = next(
        (m.seller_firm for m in actor.memberships if m.seller_firm_id in set(bidding_firms)),
        None,
    )
    if firm is not None:
        return _Parties(Incident.Side.SELLER, None, firm, bid.office, None)
    if actor.is_operator:
        firm = respondent_firm if check_only else _bidder(bid, respondent_firm)
        return _Parties(Incident.Side.OPERATOR, None, None, None, firm)
    if bid.status != bid_states.DRAFT and may_see_bid(actor, bid):
        raise denied("incidents.not_party")
    raise not_found("incidents.target_not_found")


def _offer_parties(actor: Actor, offer: Offer) -> _Parties:
    if offer.status != catalog_rules.PUBLISHED and not actor.is_operator:
        raise not_found("incidents.target_not_found")
    office = _buyer_office_of(actor)
    if office is not None:
        return _Parties(Incident.Side.BUYER, office, None, None, offer.seller_firm)
    if actor.is_operator:
        return _Parties(Incident.Side.OPERATOR, None, None, None, offer.seller_firm)
    raise denied("incidents.not_party")


def raise_check(
    *,
    acting_user: Any,
    bid: Bid | None = None,
    order: Order | None = None,
    offer: Offer | None = None,
) -> str:
    """Whether the actor may raise an incident on this target (404 when it is
    none of theirs, 403 when they see it without a party's role); returns
    the side they would raise from. For the raising form."""
    actor = as_actor(acting_user)
    if order is not None:
        return _order_parties(actor, order).side
    if bid is not None:
        return _bid_parties(actor, bid, None, check_only=True).side
    assert offer is not None
    return _offer_parties(actor, offer).side


def _create(
    *,
    parties: _Parties,
    raised_by: Any,
    targets: dict[str, Any],
    category: str,
    description: str,
) -> Incident:
    now = clock.now()
    policy = policy_at(clock.to_ist(now).date())
    due = rules.response_deadline(now, policy.incidents)
    incident = Incident.objects.create(
        number=_next_number(clock.to_ist(now).year),
        raiser_side=parties.side,
        raised_by=raised_by,
        raiser_office=parties.raiser_office,
        raiser_firm=parties.raiser_firm,
        respondent_office=parties.respondent_office,
        respondent_firm=parties.respondent_firm,
        category=category,
        description=description,
        raised_at=now,
        response_due_at=due.due_at,
        policy_version=policy.version,
        receipts=[{"clause": due.clause, **policy.receipt("incidents")}],
        updated_at=now,
        **targets,
    )
    audit.record(
        actor=raised_by,
        action="incidents.raise",
        target=incident,
        payload={
            "number": incident.number,
            "side": parties.side,
            "against": {k.removesuffix("_id"): v.pk for k, v in targets.items()},
            "respondent_firm": incident.respondent_firm_id,
            "respondent_office": incident.respondent_office_id,
            "response_due_at": due.due_at.isoformat(),
        },
    )
    sync_order_flag(incident.order_id)
    notices.announce(incident=incident, kind=notices.RAISED, sides=("respondent",))
    return incident


def _category(category: str) -> str:
    if category not in Incident.Category.values or category == Incident.Category.AUTO_CANCELS:
        raise invalid("category", "incidents.unknown_category")
    return category


@transaction.atomic
def incident_raise(
    *,
    acting_user: Any,
    bid: Bid | None = None,
    order: Order | None = None,
    offer: Offer | None = None,
    respondent_firm: SellerFirm | None = None,
    category: str,
    description: str,
    document: DocumentInput | None = None,
) -> Incident:
    """INC-1: a party (or an operator) raises an incident against exactly one
    bid, order or offer; the other party has 7 days to respond."""
    actor = as_actor(acting_user)
    named = [t for t in (bid, order, offer) if t is not None]
    if len(named) != 1:
        raise invalid("target", "incidents.one_target")
    if order is not None:
        parties = _order_parties(actor, order)
        targets: dict[str, Any] = {"order": order}
    elif bid is not None:
        parties = _bid_parties(actor, bid, respondent_firm)
        targets = {"bid": bid}
    else:
        assert offer is not None
        parties = _offer_parties(actor, offer)
        targets = {"offer": offer}
    text = clean_text("description", description, "incidents.description_required")
    chosen = _category(category)
    check_document(document)
    incident = _create(
        parties=parties,
        raised_by=actor.user,
        targets=targets,
        category=chosen,
        description=text,
    )
    if document is not None:
        add_message(
            incident=incident,
            kind=IncidentMessage.Kind.RESPONSE,
            author=actor.user,
            text=text,
            document=document,
        )
    return incident


def auto_cancelled_since(firm_id: int, since: dt.datetime) -> int:
    """Orders of the firm cancelled by the clock for the seller's silence
    (ORD-3) since `since`."""
    return Order.objects.filter(
        seller_firm_id=firm_id,
        status=Order.Status.CANCELLED,
        closed_by_side="SYSTEM",
        close_reason="ORD-3",
        closed_at__gte=since,
    ).count()


def incident_raise_system(*, order: Order, count: int, window_days: int) -> Incident | None:
    """The system's incident against a seller with repeated auto-cancels
    (ORD-3 "counts against the seller"); None when one is already open."""
    if Incident.objects.filter(
        respondent_firm_id=order.seller_firm_id,
        raiser_side=Incident.Side.SYSTEM,
        status__in=sorted(states.OPEN_STATES),
    ).exists():
        return None
    parties = _Parties(Incident.Side.SYSTEM, None, None, None, order.seller_firm)
    try:
        with transaction.atomic():
            return _create(
                parties=parties,
                raised_by=None,
                targets={"order": order},
                category=Incident.Category.AUTO_CANCELS,
                description=(
                    f"{count} orders auto-cancelled in {window_days} days without the "
                    f"seller's answer (ORD-3); latest: {order.number}."
                ),
            )
    except IntegrityError:
        # Raced with another handler run: the one open system incident exists.
        return None
