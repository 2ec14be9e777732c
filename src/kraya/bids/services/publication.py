"""BID-1..3 and BID-8: a Buyer drafts a bid (from the catalogue's categories
or free BOQ lines, or from a demand that needs a bid), publishes it (number,
sealing keys, tie-break seed, lots), amends it with versioned corrigenda and
cancels it with a published reason.

Every write is one transaction with its audit event; the bid's status moves
only through `bid_transition`; each BID-1/BID-2/BID-3 decision stores its
receipt on the bid."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, Membership, Role, User
from kraya.bids import rules, sealing, states
from kraya.bids.models import Bid, BidItem, BidKeys, BidLot, Corrigendum
from kraya.bids.services._common import (
    MESSAGES,
    bid_policy,
    conflict,
    invalid,
    message,
    require_office_buyer,
)
from kraya.bids.services.transitions import bid_locked, bid_transition
from kraya.buying.models import Demand
from kraya.catalog.models import Category, SpecParameter
from kraya.catalog.rules.offers import STATE_BITS
from kraya.catalog.rules.specs import ParameterSpec, check_specs
from kraya.core import audit, clock
from kraya.core.draws import new_tie_break_seed
from kraya.core.errors import ValidationFailed
from kraya.core.policy import Policy, policy_at

MESSAGES.update(
    {
        "bids.title_required": _("Enter the title of the bid (at most 200 characters)."),
        "bids.no_items": _("Add at least one item."),
        "bids.too_many_items": _("A bid can hold at most 50 items."),
        "bids.item_title_required": _("Item %(position)s: enter what is to be bought."),
        "bids.item_quantity_out_of_range": _(
            "Item %(position)s: enter a quantity from 1 to 10,00,000."
        ),
        "bids.unit_price_out_of_range": _(
            "Item %(position)s: enter an estimated unit price above zero."
        ),
        "bids.category_unknown": _("Item %(position)s: there is no such active category."),
        "bids.golden_specs_invalid": _(
            "Item %(position)s: give every golden parameter of the category a valid value "
            "(%(problems)s)."
        ),
        "bids.boq_has_specs": _(
            "Item %(position)s: a free BOQ line has no golden parameters; describe it instead."
        ),
        "bids.group_required": _(
            "Item %(position)s: a group-wise bid needs a group number from 1 to 50."
        ),
        "bids.unknown_evaluation_basis": _("Choose total, item-wise or group-wise evaluation."),
        "bids.consignee_not_in_office": _("Choose a consignee of this office."),
        "bids.paying_authority_not_in_office": _("Choose a Paying Authority of this office."),
        "bids.separation_of_duties": _(
            "The Paying Authority cannot be the Buyer or the Consignee of the same bid."
        ),
        "bids.delivery_state_unknown": _("Choose the state to deliver to."),
        "bids.bad_pincode": _("Enter the six-digit PIN code."),
        "bids.address_required": _("Enter the delivery address (at most 500 characters)."),
        "bids.delivery_period_out_of_range": _("Enter a delivery period from 1 to 365 days."),
        "bids.emd_percent_out_of_range": _(
            "The EMD is either none (0%%) or from %(min_percent)s%% to %(max_percent)s%% of the "
            "estimated value (BID-2)."
        ),
        "bids.epbg_out_of_range": _("Enter an ePBG from 0% to 10%."),
        "bids.epbg_months_required": _("Say for how many months (1 to 120) the ePBG runs."),
        "bids.turnover_out_of_range": _("Enter a minimum average turnover of zero or more."),
        "bids.experience_out_of_range": _("Enter the years of experience, from 0 to 50."),
        "bids.past_performance_out_of_range": _("Enter past performance from 0% to 100%."),
        "bids.mse_share_out_of_range": _(
            "Enter the MSE share in percent: more than 0 and at most 100."
        ),
        "bids.unknown_mii_reservation": _("Choose whom the bid is reserved for."),
        "bids.unknown_ra_qualification": _("Choose how bidders qualify for the reverse auction."),
        "bids.ra_qualification_without_auction": _(
            "A qualification rule is only for a bid followed by a reverse auction."
        ),
        "bids.min_bids_out_of_range": _("Enter a minimum number of bids from 1 to 50."),
        "bids.bad_terms": _("Each additional term needs a clause name and its text."),
        "bids.too_many_terms": _("Add at most 20 additional terms."),
        "bids.opening_before_end": _("The bid cannot open before it ends."),
        "bids.duration_too_short": _(
            "A bid must stay open at least %(min_days)s days after publication (BID-1)."
        ),
        "bids.offer_validity_out_of_range": _(
            "Offers must stay valid from %(min_days)s to %(max_days)s days (BID-1)."
        ),
        "bids.demand_not_bid_required": _("Only a demand that needs a bid can become one."),
        "bids.demand_has_bid": _("A bid was already made from this demand."),
        "bids.ended": _("This bid has ended: it can no longer be amended."),
        "bids.reason_required": _("Give the reason (at most 2,000 characters)."),
        "bids.corrigendum_empty": _("The corrigendum changes nothing."),
        "bids.corrigendum_unknown_item": _("There is no item %(position)s in this bid."),
    }
)

MAX_ITEMS = 50
MAX_GROUP = 50
MAX_QUANTITY = 10_00_000
MAX_PAISE = 10**17
MAX_TERMS = 20
MAX_REASON = 2000
MAX_EPBG_PERCENT = Decimal(10)
PINCODE_LENGTH = 6
NUMBER_PREFIX = "KRY/B"
# PostgreSQL: one advisory lock serialises numbering (the key is fixed and
# distinct from the audit log's); SQLite's IMMEDIATE transactions already do.
_NUMBER_LOCK_KEY = int.from_bytes(hashlib.sha256(b"kraya.bids.number").digest()[:8], "big") >> 1


@dataclass(frozen=True, slots=True)
class ItemInput:
    """BID-1: a catalogue category with its golden parameters, or a free BOQ
    line (`category_id` None). `group` is the lot of a group-wise bid."""

    title: str
    quantity: int
    estimated_unit_price_paise: int
    category_id: int | None = None
    golden_specs: Mapping[str, str] = field(default_factory=dict)
    specification: str = ""
    unit: str = "unit"
    group: int | None = None


@dataclass(frozen=True, slots=True)
class TermInput:
    """An additional term of the buyer (ATC)."""

    clause: str
    text: str
    text_hi: str = ""


@dataclass(frozen=True, slots=True)
class BidInput:
    """Every BID-1 field a Buyer sets on a draft. `end_at`, `opening_at` and
    `offer_validity_days` are the plan; publication fixes them (BID-1)."""

    title: str
    items: Sequence[ItemInput]
    consignee_id: int
    paying_authority_id: int
    delivery_state: str
    delivery_pincode: str
    delivery_address: str
    delivery_period_days: int = 30
    description: str = ""
    evaluation_basis: str = Bid.EvaluationBasis.TOTAL
    divisible: bool = True
    min_average_turnover_paise: int = 0
    min_experience_years: int = 0
    min_past_performance_percent: Decimal = Decimal(0)
    relax_for_mse_and_startups: bool = False
    emd_percent: Decimal = Decimal(0)
    epbg_percent: Decimal = Decimal(0)
    epbg_months: int = 0
    mse_preference: bool = True
    mse_share_percent: Decimal | None = None
    mii_preference: bool = True
    mii_reservation: str = Bid.MiiReservation.NONE
    reverse_auction: bool = False
    ra_qualification: str = Bid.RaQualification.POLICY
    two_packet: bool = True
    min_bids: int | None = None
    additional_terms: Sequence[TermInput] = ()
    end_at: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    offer_validity_days: int | None = None


@dataclass(frozen=True, slots=True)
class CorrigendumChanges:
    """BID-3: what a corrigendum changes; None leaves a field as it is.
    `quantities` maps item positions to their new quantity."""

    end_at: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    description: str | None = None
    quantities: Mapping[int, int] | None = None
    delivery_period_days: int | None = None
    offer_validity_days: int | None = None
    min_average_turnover_paise: int | None = None
    min_experience_years: int | None = None
    min_past_performance_percent: Decimal | None = None
    relax_for_mse_and_startups: bool | None = None
    emd_percent: Decimal | None = None
    epbg_percent: Decimal | None = None
    epbg_months: int | None = None
    additional_terms: Sequence[TermInput] | None = None


# --- checks ----------------------------------------------------------------------------------


def _office_member(office: BuyerUnit, user_id: int, role: str) -> User | None:
    membership = (
        Membership.objects.select_related("user")
        .filter(buyer_unit=office, user_id=user_id, role=role, is_active=True, user__is_active=True)
        .first()
    )
    return membership.user if membership is not None else None


def _parties(office: BuyerUnit, buyer: User, data: BidInput) -> tuple[User, User]:
    """ROLE-2: a consignee and a paying authority of the office; the paying
    authority is neither the buyer nor the consignee."""
    consignee = _office_member(office, data.consignee_id, Role.CONSIGNEE)
    if consignee is None:
        raise invalid("consignee_id", "bids.consignee_not_in_office")
    paying = _office_member(office, data.paying_authority_id, Role.PAYING_AUTHORITY)
    if paying is None:
        raise invalid("paying_authority_id", "bids.paying_authority_not_in_office")
    if paying.pk in (buyer.pk, consignee.pk):
        raise invalid("paying_authority_id", "bids.separation_of_duties")
    return consignee, paying


def _checked_terms(terms: Sequence[TermInput]) -> list[dict[str, Any]]:
    if len(terms) > MAX_TERMS:
        raise invalid("additional_terms", "bids.too_many_terms")
    checked = []
    for term in terms:
        clause, text = " ".join(term.clause.split()), term.text.strip()
        if not clause or not text or len(clause) > 60 or len(text) > 2000:
            raise invalid("additional_terms", "bids.bad_terms")
        checked.append({"clause": clause, "text": {"en": text, "hi": term.text_hi.strip()}})
    return checked


def _golden(category: Category) -> list[ParameterSpec]:
    """The category's golden parameters, each one required of a bid item."""
    return [
        ParameterSpec(
            code=p.code,
            kind=p.kind,
            unit=p.unit,
            choices=tuple(str(c.get("value", "")) for c in p.choices or []),
            is_required=True,
            min_value=p.min_value,
            max_value=p.max_value,
        )
        for p in SpecParameter.objects.filter(category=category, is_golden=True).order_by(
            "position", "id"
        )
    ]


@dataclass(frozen=True, slots=True)
class _Item:
    given: ItemInput
    title: str
    category: Category | None
    golden_specs: dict[str, str]


def _checked_item(position: int, item: ItemInput, basis: str) -> _Item:
    def refuse(code: str, **params: Any) -> ValidationFailed:
        return invalid("items", code, position=position, **params)

    if type(item.quantity) is not int or not 1 <= item.quantity <= MAX_QUANTITY:
        raise refuse("bids.item_quantity_out_of_range")
    price = item.estimated_unit_price_paise
    if type(price) is not int or not 1 <= price <= MAX_PAISE:
        raise refuse("bids.unit_price_out_of_range")
    if basis == Bid.EvaluationBasis.GROUP and (
        type(item.group) is not int or not 1 <= item.group <= MAX_GROUP
    ):
        raise refuse("bids.group_required")
    title = " ".join(item.title.split())
    category = None
    specs: dict[str, str] = {}
    if item.category_id is not None:
        category = Category.objects.filter(pk=item.category_id, is_active=True).first()
        if category is None:
            raise refuse("bids.category_unknown")
        check = check_specs(_golden(category), dict(item.golden_specs))
        if check.problems:
            names = ", ".join(sorted(p.field.removeprefix("specs.") for p in check.problems))
            raise refuse("bids.golden_specs_invalid", problems=names)
        specs = check.values
        title = title or category.name
    elif item.golden_specs:
        raise refuse("bids.boq_has_specs")
    if not title or len(title) > 200:
        raise refuse("bids.item_title_required")
    return _Item(item, title, category, specs)


def _check_delivery(data: BidInput) -> None:
    if data.delivery_state not in STATE_BITS:
        raise invalid("delivery_state", "bids.delivery_state_unknown")
    pincode = data.delivery_pincode.strip()
    if len(pincode) != PINCODE_LENGTH or not pincode.isascii() or not pincode.isdigit():
        raise invalid("delivery_pincode", "bids.bad_pincode")
    if not data.delivery_address.strip() or len(data.delivery_address.strip()) > 500:
        raise invalid("delivery_address", "bids.address_required")
    if type(data.delivery_period_days) is not int or not 1 <= data.delivery_period_days <= 365:
        raise invalid("delivery_period_days", "bids.delivery_period_out_of_range")


def _emd(emd_percent: Decimal, policy: Policy) -> rules.Decision:
    """BID-2: no EMD, or 2–5% of the estimated value."""
    decision = rules.emd_percent_check(emd_percent=emd_percent, policy=policy)
    if not decision.allowed:
        raise invalid(
            "emd_percent",
            "bids.emd_percent_out_of_range",
            min_percent=decision.receipt.params["min_percent"],
            max_percent=decision.receipt.params["max_percent"],
        )
    return decision


def _check_terms_of_money(
    *,
    emd_percent: Decimal,
    epbg_percent: Decimal,
    epbg_months: int,
    policy: Policy,
) -> None:
    _emd(emd_percent, policy)
    if not Decimal(0) <= epbg_percent <= MAX_EPBG_PERCENT:
        raise invalid("epbg_percent", "bids.epbg_out_of_range")
    if epbg_percent > 0 and not 1 <= epbg_months <= 120:
        raise invalid("epbg_months", "bids.epbg_months_required")


def _check_eligibility(turnover: int, experience: int, past: Decimal) -> None:
    if type(turnover) is not int or not 0 <= turnover <= MAX_PAISE:
        raise invalid("min_average_turnover_paise", "bids.turnover_out_of_range")
    if type(experience) is not int or not 0 <= experience <= 50:
        raise invalid("min_experience_years", "bids.experience_out_of_range")
    if not Decimal(0) <= past <= Decimal(100):
        raise invalid("min_past_performance_percent", "bids.past_performance_out_of_range")


def _check_settings(data: BidInput, policy: Policy) -> int:
    """The BID-1/BID-2 settings and §7/§8 flags; returns the minimum bids."""
    _check_eligibility(
        data.min_average_turnover_paise,
        data.min_experience_years,
        data.min_past_performance_percent,
    )
    _check_terms_of_money(
        emd_percent=data.emd_percent,
        epbg_percent=data.epbg_percent,
        epbg_months=data.epbg_months,
        policy=policy,
    )
    share = data.mse_share_percent
    if share is not None and not Decimal(0) < share <= Decimal(100):
        raise invalid("mse_share_percent", "bids.mse_share_out_of_range")
    if data.mii_reservation not in Bid.MiiReservation.values:
        raise invalid("mii_reservation", "bids.unknown_mii_reservation")
    if data.ra_qualification not in Bid.RaQualification.values:
        raise invalid("ra_qualification", "bids.unknown_ra_qualification")
    if data.ra_qualification and not data.reverse_auction:
        raise invalid("ra_qualification", "bids.ra_qualification_without_auction")
    min_bids = policy.bids.min_bids_default if data.min_bids is None else data.min_bids
    if type(min_bids) is not int or not 1 <= min_bids <= 50:
        raise invalid("min_bids", "bids.min_bids_out_of_range")
    return min_bids


@dataclass(frozen=True, slots=True)
class _Checked:
    title: str
    items: list[_Item]
    consignee: User
    paying_authority: User
    min_bids: int
    terms: list[dict[str, Any]]
    end_at: dt.datetime
    opening_at: dt.datetime
    offer_validity_days: int


def _checked(office: BuyerUnit, buyer: User, data: BidInput, policy: Policy) -> _Checked:
    title = " ".join(data.title.split())
    if not title or len(title) > 200:
        raise invalid("title", "bids.title_required")
    if data.evaluation_basis not in Bid.EvaluationBasis.values:
        raise invalid("evaluation_basis", "bids.unknown_evaluation_basis")
    if not data.items:
        raise invalid("items", "bids.no_items")
    if len(data.items) > MAX_ITEMS:
        raise invalid("items", "bids.too_many_items")
    items = [
        _checked_item(position, item, data.evaluation_basis)
        for position, item in enumerate(data.items, start=1)
    ]
    consignee, paying = _parties(office, buyer, data)
    _check_delivery(data)
    min_bids = _check_settings(data, policy)
    terms = _checked_terms(data.additional_terms)
    # The plan of a draft; publication checks and fixes them (BID-1).
    end_at = data.end_at or clock.now() + dt.timedelta(days=policy.bids.min_duration_days + 1)
    opening_at = data.opening_at or end_at
    if opening_at < end_at:
        raise invalid("opening_at", "bids.opening_before_end")
    validity = data.offer_validity_days
    if validity is None:
        validity = policy.bids.offer_validity_min_days * 2
    _offer_validity(validity, policy)
    return _Checked(
        title, items, consignee, paying, min_bids, terms, end_at, opening_at, int(validity)
    )


def _offer_validity(days: int, policy: Policy) -> rules.Decision:
    if type(days) is not int or days < 0:
        raise invalid("offer_validity_days", "bids.offer_validity_out_of_range", min_days=0)
    decision = rules.offer_validity_check(days=days, policy=policy)
    if not decision.allowed:
        params = decision.receipt.params
        raise invalid(
            "offer_validity_days",
            "bids.offer_validity_out_of_range",
            min_days=params["min_days"],
            max_days=params["max_days"],
        )
    return decision


# --- writing a draft -------------------------------------------------------------------------


def _lot_title(bid_title: str, items: list[_Item]) -> str:
    return ("; ".join(item.title for item in items) or bid_title)[:200]


def _write_items(bid: Bid, items: list[_Item], basis: str, divisible: bool) -> None:
    """The lots by the evaluation basis (TOTAL: one; ITEM: one per item;
    GROUP: one per group, in group order) and the items in them. A lot of
    one item is divisible as the buyer said; a lot of several is not."""
    BidItem.objects.filter(bid=bid).delete()
    BidLot.objects.filter(bid=bid).delete()
    grouped: dict[Any, list[tuple[int, _Item]]] = {}
    for position, item in enumerate(items, start=1):
        if basis == Bid.EvaluationBasis.ITEM:
            key: Any = position
        elif basis == Bid.EvaluationBasis.GROUP:
            key = item.given.group
        else:
            key = 0
        grouped.setdefault(key, []).append((position, item))
    for number, key in enumerate(sorted(grouped), start=1):
        members = grouped[key]
        lot_title = (
            bid.title
            if basis == Bid.EvaluationBasis.TOTAL
            else _lot_title(bid.title, [i for _, i in members])
        )
        lot = BidLot.objects.create(
            bid=bid, number=number, title=lot_title, divisible=divisible and len(members) == 1
        )
        BidItem.objects.bulk_create(
            BidItem(
                bid=bid,
                lot=lot,
                position=position,
                category=item.category,
                title=item.title,
                specification=item.given.specification.strip(),
                golden_specs=item.golden_specs,
                unit=(item.given.unit.strip() or "unit")[:30],
                quantity=item.given.quantity,
                estimated_unit_price_paise=item.given.estimated_unit_price_paise,
            )
            for position, item in members
        )


def _fields(data: BidInput, checked: _Checked) -> dict[str, Any]:
    return {
        "title": checked.title,
        "description": data.description.strip(),
        "consignee": checked.consignee,
        "paying_authority": checked.paying_authority,
        "estimated_value_paise": sum(
            i.given.quantity * i.given.estimated_unit_price_paise for i in checked.items
        ),
        "delivery_state": data.delivery_state,
        "delivery_pincode": data.delivery_pincode.strip(),
        "delivery_address": data.delivery_address.strip(),
        "delivery_period_days": data.delivery_period_days,
        "end_at": checked.end_at,
        "opening_at": checked.opening_at,
        "offer_validity_days": checked.offer_validity_days,
        "min_average_turnover_paise": data.min_average_turnover_paise,
        "min_experience_years": data.min_experience_years,
        "min_past_performance_percent": data.min_past_performance_percent,
        "relax_for_mse_and_startups": data.relax_for_mse_and_startups,
        "emd_percent": data.emd_percent,
        "epbg_percent": data.epbg_percent,
        "epbg_months": data.epbg_months if data.epbg_percent > 0 else 0,
        "mse_preference": data.mse_preference,
        "mse_share_percent": data.mse_share_percent,
        "mii_preference": data.mii_preference,
        "mii_reservation": data.mii_reservation,
        "reverse_auction": data.reverse_auction,
        "ra_qualification": data.ra_qualification if data.reverse_auction else "",
        "evaluation_basis": data.evaluation_basis,
        "two_packet": data.two_packet,
        "min_bids": checked.min_bids,
        "additional_terms": checked.terms,
    }


@transaction.atomic
def _draft_create(
    *, buyer: User, office: BuyerUnit, data: BidInput, demand: Demand | None, action: str
) -> Bid:
    policy = policy_at(clock.today_ist())
    checked = _checked(office, buyer, data, policy)
    now = clock.now()
    bid = Bid.objects.create(
        office=office,
        buyer=buyer,
        demand=demand,
        created_at=now,
        updated_at=now,
        **_fields(data, checked),
    )
    _write_items(bid, checked.items, data.evaluation_basis, data.divisible)
    audit.record(
        actor=buyer,
        action=action,
        target=bid,
        payload={
            "office": office.pk,
            "estimated_value_paise": bid.estimated_value_paise,
            "items": len(checked.items),
            "demand": demand.pk if demand is not None else None,
        },
    )
    return bid


def bid_create(*, acting_user: Any, office: BuyerUnit, data: BidInput) -> Bid:
    """BID-1: a Buyer of `office` drafts a bid (status DRAFT)."""
    actor = require_office_buyer(acting_user, office)
    return _draft_create(
        buyer=actor.user, office=office, data=data, demand=None, action="bids.draft_created"
    )


def demand_bid_input(
    demand: Demand, *, paying_authority_id: int, title: str = "", **settings: Any
) -> BidInput:
    """A bid's input from a demand that needs one (MODE-1/MODE-3): its lines
    (category, quantity, golden parameters, the catalogue price as the
    estimate), consignee, delivery place and additional terms."""
    lines = list(demand.lines.select_related("offer", "offer__product").order_by("position"))
    category = demand.category
    items = [
        ItemInput(
            title=category.name,
            quantity=line.quantity,
            estimated_unit_price_paise=line.unit_price_paise,
            category_id=category.pk,
            golden_specs={str(k): str(v) for k, v in line.golden_specs.items()},
        )
        for line in lines
    ]
    terms = [
        TermInput(t["clause"], t["text"].get("en", ""), t["text"].get("hi", ""))
        for t in demand.additional_terms
    ] + list(settings.pop("additional_terms", ()))
    return BidInput(
        title=title or f"{category.name} ({demand.reference})",
        items=items,
        consignee_id=demand.consignee_id,
        paying_authority_id=paying_authority_id,
        delivery_state=demand.delivery_state,
        delivery_pincode=demand.delivery_pincode,
        delivery_address=demand.delivery_address,
        additional_terms=terms,
        **settings,
    )


def bid_create_from_demand(
    *, acting_user: Any, demand: Demand, paying_authority_id: int | None = None, **settings: Any
) -> Bid:
    """MODE-1: a demand in status BID_REQUIRED becomes a draft bid linked to
    it. Without `paying_authority_id`, the office's only Paying Authority."""
    actor = require_office_buyer(acting_user, demand.office)
    if demand.status != Demand.Status.BID_REQUIRED:
        raise conflict("bids.demand_not_bid_required")
    if Bid.objects.filter(demand=demand).exists():
        raise conflict("bids.demand_has_bid")
    if paying_authority_id is None:
        paying = list(
            Membership.objects.filter(
                buyer_unit=demand.office, role=Role.PAYING_AUTHORITY, is_active=True
            ).values_list("user_id", flat=True)[:2]
        )
        if len(paying) != 1:
            raise invalid("paying_authority_id", "bids.paying_authority_not_in_office")
        paying_authority_id = paying[0]
    data = demand_bid_input(demand, paying_authority_id=paying_authority_id, **settings)
    return _draft_create(
        buyer=actor.user,
        office=demand.office,
        data=data,
        demand=demand,
        action="bids.draft_created_from_demand",
    )


def bid_input_of(bid: Bid) -> BidInput:
    """A draft's current values as a `BidInput` (for a partial edit)."""
    items = list(bid.items.select_related("lot").order_by("position"))
    single = [lot for lot in bid.lots.all() if len([i for i in items if i.lot_id == lot.pk]) == 1]
    return BidInput(
        title=bid.title,
        items=[
            ItemInput(
                title=item.title,
                quantity=item.quantity,
                estimated_unit_price_paise=item.estimated_unit_price_paise,
                category_id=item.category_id,
                golden_specs=dict(item.golden_specs),
                specification=item.specification,
                unit=item.unit,
                group=item.lot.number
                if bid.evaluation_basis == Bid.EvaluationBasis.GROUP
                else None,
            )
            for item in items
        ],
        consignee_id=bid.consignee_id,
        paying_authority_id=bid.paying_authority_id,
        delivery_state=bid.delivery_state,
        delivery_pincode=bid.delivery_pincode,
        delivery_address=bid.delivery_address,
        delivery_period_days=bid.delivery_period_days,
        description=bid.description,
        evaluation_basis=bid.evaluation_basis,
        divisible=any(lot.divisible for lot in single) if single else True,
        min_average_turnover_paise=bid.min_average_turnover_paise,
        min_experience_years=bid.min_experience_years,
        min_past_performance_percent=Decimal(bid.min_past_performance_percent),
        relax_for_mse_and_startups=bid.relax_for_mse_and_startups,
        emd_percent=Decimal(bid.emd_percent),
        epbg_percent=Decimal(bid.epbg_percent),
        epbg_months=bid.epbg_months,
        mse_preference=bid.mse_preference,
        mse_share_percent=bid.mse_share_percent,
        mii_preference=bid.mii_preference,
        mii_reservation=bid.mii_reservation,
        reverse_auction=bid.reverse_auction,
        ra_qualification=bid.ra_qualification,
        two_packet=bid.two_packet,
        min_bids=bid.min_bids,
        additional_terms=[
            TermInput(t["clause"], t["text"].get("en", ""), t["text"].get("hi", ""))
            for t in bid.additional_terms
        ],
        end_at=bid.end_at,
        opening_at=bid.opening_at,
        offer_validity_days=bid.offer_validity_days,
    )


@transaction.atomic
def bid_update(*, acting_user: Any, bid: Bid, data: BidInput) -> Bid:
    """BID-1: a Buyer of the office edits a draft (every field at once; see
    `bid_input_of` for a partial change)."""
    actor = require_office_buyer(acting_user, bid.office)
    bid = bid_locked(bid.pk)
    if bid.status != states.DRAFT:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    checked = _checked(bid.office, bid.buyer, data, bid_policy(bid))
    for name, value in _fields(data, checked).items():
        setattr(bid, name, value)
    bid.updated_at = clock.now()
    bid.save()
    _write_items(bid, checked.items, data.evaluation_basis, data.divisible)
    audit.record(
        actor=actor.user,
        action="bids.draft_updated",
        target=bid,
        payload={"estimated_value_paise": bid.estimated_value_paise, "items": len(checked.items)},
    )
    return bid


# --- publication (BID-1) ---------------------------------------------------------------------


def _next_number(year: int) -> str:
    """`KRY/B/<year>/<6 digits>`: the year's highest number plus one, read
    under a lock held to the end of the transaction, so two publications
    never take the same number (the unique constraint is the backstop)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBER_LOCK_KEY])
    prefix = f"{NUMBER_PREFIX}/{year}/"
    last = (
        Bid.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


@transaction.atomic
def bid_publish(
    *,
    acting_user: Any,
    bid: Bid,
    end_at: dt.datetime,
    opening_at: dt.datetime | None = None,
    offer_validity_days: int,
) -> Bid:
    """BID-1: the end at least 10 days away, offers valid 45–180 days, EMD
    (BID-2) rechecked; then the number, the sealing keys (BID-5), the
    tie-break seed (BID-7) and the policy version are fixed and the bid is
    open for bids. The receipts of the checks are stored on the bid."""
    actor = require_office_buyer(acting_user, bid.office)
    bid = bid_locked(bid.pk)
    if bid.status != states.DRAFT:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    now = clock.now()
    policy = policy_at(clock.to_ist(now).date())
    duration = rules.bid_duration_check(published_at=now, end_at=end_at, policy=policy)
    if not duration.allowed:
        raise invalid("end_at", "bids.duration_too_short", min_days=policy.bids.min_duration_days)
    opening = opening_at or end_at
    if opening < end_at:
        raise invalid("opening_at", "bids.opening_before_end")
    validity = _offer_validity(offer_validity_days, policy)
    emd = _emd(Decimal(bid.emd_percent), policy)
    number = _next_number(clock.to_ist(now).year)
    keys = sealing.new_bid_keys(bid.pk)
    BidKeys.objects.create(
        bid=bid,
        technical_public=keys.technical_public,
        technical_private_wrapped=keys.technical_private_wrapped,
        financial_public=keys.financial_public,
        financial_private_wrapped=keys.financial_private_wrapped,
        master_key_id=keys.master_key_id,
    )
    receipts = [d.receipt.as_dict() for d in (duration, validity, emd)]
    return bid_transition(
        bid_id=bid.pk,
        event=states.PUBLISH,
        actor=actor.user,
        changes={
            "number": number,
            "published_at": now,
            "end_at": end_at,
            "opening_at": opening,
            "original_end_at": end_at,
            "offer_validity_days": offer_validity_days,
            "tie_break_seed": new_tie_break_seed(),
            "policy_version": policy.version,
            "receipts": [*bid.receipts, *receipts],
        },
        payload={"end_at": end_at.isoformat(), "opening_at": opening.isoformat()},
    )


# --- corrigenda (BID-3) ----------------------------------------------------------------------


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise invalid("reason", "bids.reason_required")
    return text


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _field_changes(bid: Bid, changes: CorrigendumChanges, policy: Policy) -> dict[str, Any]:
    """The bid fields the corrigendum sets (checked), by name."""
    wanted: dict[str, Any] = {
        name: getattr(changes, name)
        for name in (
            "description",
            "delivery_period_days",
            "offer_validity_days",
            "min_average_turnover_paise",
            "min_experience_years",
            "min_past_performance_percent",
            "relax_for_mse_and_startups",
            "emd_percent",
            "epbg_percent",
            "epbg_months",
        )
        if getattr(changes, name) is not None
    }
    if "description" in wanted:
        wanted["description"] = wanted["description"].strip()
    if "delivery_period_days" in wanted and not 1 <= wanted["delivery_period_days"] <= 365:
        raise invalid("delivery_period_days", "bids.delivery_period_out_of_range")
    if "offer_validity_days" in wanted:
        _offer_validity(wanted["offer_validity_days"], policy)
    _check_eligibility(
        wanted.get("min_average_turnover_paise", bid.min_average_turnover_paise),
        wanted.get("min_experience_years", bid.min_experience_years),
        Decimal(wanted.get("min_past_performance_percent", bid.min_past_performance_percent)),
    )
    _check_terms_of_money(
        emd_percent=Decimal(wanted.get("emd_percent", bid.emd_percent)),
        epbg_percent=Decimal(wanted.get("epbg_percent", bid.epbg_percent)),
        epbg_months=wanted.get("epbg_months", bid.epbg_months),
        policy=policy,
    )
    if changes.additional_terms is not None:
        wanted["additional_terms"] = _checked_terms(changes.additional_terms)
    return wanted


def _quantity_changes(bid: Bid, quantities: Mapping[int, int]) -> dict[int, tuple[BidItem, int]]:
    items = {item.position: item for item in bid.items.all()}
    found = {}
    for position, quantity in sorted(quantities.items()):
        item = items.get(position)
        if item is None:
            raise invalid("quantities", "bids.corrigendum_unknown_item", position=position)
        if type(quantity) is not int or not 1 <= quantity <= MAX_QUANTITY:
            raise invalid("quantities", "bids.item_quantity_out_of_range", position=position)
        if quantity != item.quantity:
            found[position] = (item, quantity)
    return found


@transaction.atomic
def corrigendum_publish(
    *, acting_user: Any, bid: Bid, reason: str, changes: CorrigendumChanges
) -> Corrigendum:
    """BID-3: while the bid is open, a versioned corrigendum with the old and
    new value of each changed field; one leaving less than 7 days extends
    the end (and the opening with it)."""
    actor = require_office_buyer(acting_user, bid.office)
    text = _reason(reason)
    bid = bid_locked(bid.pk)
    now = clock.now()
    if bid.status != states.PUBLISHED:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    if now >= bid.end_at:
        raise conflict("bids.ended")
    policy = bid_policy(bid)
    fields = _field_changes(bid, changes, policy)
    quantities = _quantity_changes(bid, changes.quantities or {})
    proposed_end = changes.end_at or bid.end_at
    proposed_opening = changes.opening_at or max(bid.opening_at, proposed_end)
    if proposed_opening < proposed_end:
        raise invalid("opening_at", "bids.opening_before_end")
    decision = rules.corrigendum_end(
        corrigendum_at=now, proposed_end_at=proposed_end, policy=policy
    )
    fields["end_at"] = decision.end_at
    fields["opening_at"] = proposed_opening + (decision.end_at - proposed_end)
    if quantities:
        by_position = {p: q for p, (_, q) in quantities.items()}
        fields["estimated_value_paise"] = sum(
            by_position.get(item.position, item.quantity) * item.estimated_unit_price_paise
            for item in bid.items.all()
        )
    recorded: dict[str, Any] = {
        name: {"old": _json(getattr(bid, name)), "new": _json(value)}
        for name, value in fields.items()
        if getattr(bid, name) != value
    }
    for position, (item, quantity) in quantities.items():
        recorded[f"items.{position}.quantity"] = {"old": item.quantity, "new": quantity}
    if not recorded:
        raise invalid("changes", "bids.corrigendum_empty")
    for item, quantity in quantities.values():
        item.quantity = quantity
        item.save(update_fields=["quantity"])
    version = bid.corrigenda.count() + 1
    corrigendum = Corrigendum.objects.create(
        bid=bid,
        version=version,
        reason=text,
        changes=recorded,
        receipt=decision.receipt.as_dict(),
        published_at=now,
        published_by=actor.user,
    )
    bid_transition(
        bid_id=bid.pk,
        event=states.AMEND,
        actor=actor.user,
        changes={**fields, "receipts": [*bid.receipts, decision.receipt.as_dict()]},
        payload={"corrigendum": version, "fields": sorted(recorded), "extended": decision.extended},
    )
    return corrigendum


# --- cancellation (BID-8) --------------------------------------------------------------------


@transaction.atomic
def bid_cancel(*, acting_user: Any, bid: Bid, reason: str) -> Bid:
    """BID-8: a Buyer of the office cancels the bid in any state before its
    award, with a reason that is published on the bid."""
    actor = require_office_buyer(acting_user, bid.office)
    text = _reason(reason)
    return bid_transition(
        bid_id=bid.pk,
        event=states.CANCEL,
        actor=actor.user,
        changes={"cancelled_at": clock.now(), "cancel_reason": text},
        payload={"reason": text},
    )


def replace(data: BidInput, **changes: Any) -> BidInput:
    """`data` with some fields changed (a partial edit of a draft)."""
    return dataclasses.replace(data, **changes)


__all__ = [
    "BidInput",
    "CorrigendumChanges",
    "ItemInput",
    "TermInput",
    "bid_cancel",
    "bid_create",
    "bid_create_from_demand",
    "bid_input_of",
    "bid_publish",
    "bid_update",
    "corrigendum_publish",
    "demand_bid_input",
    "message",
    "replace",
]
