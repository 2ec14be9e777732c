"""Demands (MODE-1, MODE-4, MODE-5): a Buyer turns a need into a demand; its
value decides the mode, a split is refused, and each line is decided at once
(MODE-2 or MODE-3) so the buyer sees whom the demand will be bought from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kraya.accounts.models import BuyerUnit, Role
from kraya.accounts.selectors import Actor
from kraya.buying import rules
from kraya.buying.models import Demand, DemandLine, FundBlock, SplitRefusal
from kraya.buying.services._common import (
    Acting,
    conflict,
    invalid,
    member_with_role,
    message,
    require_buyer,
)
from kraya.buying.services.comparisons import decide_lines
from kraya.buying.wording import mode_name
from kraya.catalog.models import Offer, SpecParameter
from kraya.catalog.rules.offers import STATE_BITS
from kraya.catalog.selectors import listed_q
from kraya.core import audit, clock
from kraya.core.errors import ValidationFailed
from kraya.core.money import format_rupees
from kraya.core.policy import policy_at
from kraya.core.receipts import DecisionReceipt

MAX_LINES = 20
MAX_QUANTITY = 10_00_000
MAX_TERMS = 20
PINCODE_LENGTH = 6
OPEN_STATUSES = (Demand.Status.OPEN, Demand.Status.SANCTIONED)


@dataclass(frozen=True, slots=True)
class LineInput:
    offer_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class TermInput:
    """An additional term of the buyer (ATC, ORD-1): a clause key and its text."""

    clause: str
    text: str
    text_hi: str = ""


class SplitRefused(ValidationFailed):
    """MODE-5: the demand was refused as a split (and the refusal recorded)."""

    code = "buying.split"
    keeps_writes = True  # the SplitRefusal row is the record the reports count


def _checked_delivery(state: str, pincode: str, address: str) -> tuple[str, str, str]:
    problems: dict[str, str] = {}
    if state not in STATE_BITS:
        problems["delivery_state"] = "buying.delivery_state_unknown"
    pincode = pincode.strip()
    if len(pincode) != PINCODE_LENGTH or not pincode.isascii() or not pincode.isdigit():
        problems["delivery_pincode"] = "buying.bad_pincode"
    address = address.strip()
    if not address:
        problems["delivery_address"] = "buying.address_required"
    elif len(address) > 500:
        problems["delivery_address"] = "buying.address_too_long"
    if problems:
        raise ValidationFailed(
            code=next(iter(problems.values())),
            fields={field: [message(code)] for field, code in problems.items()},
        )
    return state, pincode, address


def _checked_terms(terms: Sequence[TermInput]) -> list[dict[str, Any]]:
    if len(terms) > MAX_TERMS:
        raise invalid("additional_terms", "buying.too_many_terms")
    checked = []
    for term in terms:
        clause, text = " ".join(term.clause.split()), term.text.strip()
        if not clause or not text or len(clause) > 60 or len(text) > 2000:
            raise invalid("additional_terms", "buying.bad_terms")
        checked.append({"clause": clause, "text": {"en": text, "hi": term.text_hi.strip()}})
    return checked


def _offers(lines: Sequence[LineInput]) -> dict[int, Offer]:
    if not lines:
        raise invalid("lines", "buying.no_lines")
    if len(lines) > MAX_LINES:
        raise invalid("lines", "buying.too_many_lines")
    seen: set[int] = set()
    for line in lines:
        if type(line.quantity) is not int or not 1 <= line.quantity <= MAX_QUANTITY:
            raise invalid("quantity", "buying.quantity_out_of_range")
        if line.offer_id in seen:
            raise invalid("offer_id", "buying.offer_listed_twice")
        seen.add(line.offer_id)
    offers = {
        offer.pk: offer
        for offer in Offer.objects.filter(listed_q(), pk__in=seen).select_related(
            "product", "product__brand", "seller_firm"
        )
    }
    if len(offers) != len(seen):
        raise invalid("offer_id", "buying.offer_not_available")
    if len({offer.category_id for offer in offers.values()}) > 1:
        raise invalid("lines", "buying.mixed_categories")
    return offers


def _golden_specs(offer: Offer, golden_codes: set[str]) -> dict[str, str]:
    return {code: str(value) for code, value in offer.product.specs.items() if code in golden_codes}


def _recent(
    office: BuyerUnit, category_id: int, on: dt.date, window_days: int
) -> list[rules.Demand]:
    rows = Demand.objects.filter(
        office=office,
        category_id=category_id,
        on__gte=on - dt.timedelta(days=window_days),
        on__lte=on,
    ).exclude(status=Demand.Status.CANCELLED)
    return [
        rules.Demand(str(pk), str(office.pk), str(category_id), day, total)
        for pk, day, total in rows.values_list("pk", "on", "total_paise")
    ]


@transaction.atomic
def _create(
    *,
    actor: Actor,
    office: BuyerUnit,
    consignee_id: int,
    lines: Sequence[LineInput],
    delivery: tuple[str, str, str],
    mode: str | None,
    terms: list[dict[str, Any]],
    now: dt.datetime,
) -> Demand | SplitRefusal:
    consignee = member_with_role(office=office, user_id=consignee_id, role=Role.CONSIGNEE)
    if consignee is None:
        raise invalid("consignee_id", "buying.consignee_not_in_office")
    offers = _offers(lines)
    category_id = next(iter(offers.values())).category_id
    total = sum(offers[line.offer_id].price_paise * line.quantity for line in lines)
    on = clock.to_ist(now).date()
    policy = policy_at(on)
    mode_decision = rules.purchase_mode(total, policy)
    chosen = mode_decision.mode if mode in (None, "") else mode
    if chosen not in rules.MODES:
        raise invalid("mode", "buying.unknown_mode")
    choice = rules.mode_allowed(chosen, total, policy)
    if not choice.allowed:
        raise invalid("mode", "buying.mode_not_allowed", required=mode_name(mode_decision.mode))
    # MODE-5: one office's demands are checked one at a time, or two halves
    # of a split made at the same moment would each pass.
    BuyerUnit.objects.select_for_update().filter(pk=office.pk).first()
    window = policy.buying_modes.split_window_days
    new = rules.Demand("new", str(office.pk), str(category_id), on, total)
    split = rules.split_check(
        new, _recent(office, category_id, on, window), policy, chosen_mode=chosen
    )
    if not split.allowed:
        refusal = SplitRefusal.objects.create(
            office=office,
            category_id=category_id,
            buyer=actor.user,
            on=on,
            demand_total_paise=total,
            summed_total_paise=split.total_paise,
            receipt=split.receipt.as_dict(),
            created_at=now,
        )
        audit.record(
            actor=actor.user,
            action="buying.split_refused",
            target=refusal,
            payload={"receipt_digest": split.receipt.digest(), "total_paise": split.total_paise},
        )
        return refusal
    demand = Demand.objects.create(
        office=office,
        category_id=category_id,
        buyer=actor.user,
        consignee=consignee,
        delivery_state=delivery[0],
        delivery_pincode=delivery[1],
        delivery_address=delivery[2],
        on=on,
        total_paise=total,
        required_mode=mode_decision.mode,
        mode=chosen,
        status=Demand.Status.BID_REQUIRED if chosen == rules.BID else Demand.Status.OPEN,
        policy_version=policy.buying_modes.version,
        mode_receipt=mode_decision.receipt.as_dict(),
        choice_receipt=choice.receipt.as_dict() if chosen != mode_decision.mode else None,
        split_receipt=split.receipt.as_dict(),
        additional_terms=terms,
        created_at=now,
        updated_at=now,
    )
    golden_codes = set(
        SpecParameter.objects.filter(category_id=category_id, is_golden=True).values_list(
            "code", flat=True
        )
    )
    made = DemandLine.objects.bulk_create(
        DemandLine(
            demand=demand,
            position=position,
            offer=offers[line.offer_id],
            quantity=line.quantity,
            unit_price_paise=offers[line.offer_id].price_paise,
            golden_specs=_golden_specs(offers[line.offer_id], golden_codes),
        )
        for position, line in enumerate(lines, start=1)
    )
    for line in made:
        line.offer = offers[line.offer_id]
    outcomes = decide_lines(demand, made) if chosen != rules.BID else []
    refused = next((outcome for outcome in outcomes if not outcome.allowed), None)
    if refused is not None and chosen == rules.DIRECT:
        # MODE-2: the buyer picked an offer that cannot serve the need.
        raise invalid("lines", refused.code)
    if refused is not None and chosen == rules.L1:
        # MODE-3/MODE-4: too few manufacturers: the demand goes to a bid.
        demand.status = Demand.Status.BID_REQUIRED
        demand.save(update_fields=["status"])
    audit.record(
        actor=actor.user,
        action="buying.demand_created",
        target=demand,
        payload={
            "office": office.pk,
            "total_paise": total,
            "mode": chosen,
            "required_mode": mode_decision.mode,
            "status": demand.status,
            "receipts": [mode_decision.receipt.digest(), split.receipt.digest()]
            + [outcome.receipt.digest() for outcome in outcomes],
        },
    )
    return demand


def demand_create(
    *,
    acting_user: Acting,
    office: BuyerUnit,
    consignee_id: int,
    lines: Sequence[LineInput],
    delivery_state: str,
    delivery_pincode: str,
    delivery_address: str,
    mode: str | None = None,
    additional_terms: Sequence[TermInput] = (),
) -> Demand:
    """MODE-1..5: a Buyer of `office` makes a demand. Its value (each line's
    quantity at its offer's price) picks the mode under the policy of the
    demand's date (MODE-1); a stricter `mode` may be chosen (MODE-4); the
    office's demands for the category in the window are summed (MODE-5) and
    a split is refused with `SplitRefused` (and recorded for the reports);
    then each line is decided (MODE-2 or MODE-3)."""
    actor = require_buyer(acting_user, office)
    delivery = _checked_delivery(delivery_state, delivery_pincode, delivery_address)
    terms = _checked_terms(additional_terms)
    made = _create(
        actor=actor,
        office=office,
        consignee_id=consignee_id,
        lines=lines,
        delivery=delivery,
        mode=mode,
        terms=terms,
        now=clock.now(),
    )
    if isinstance(made, SplitRefusal):
        params = made.receipt["params"]
        text = message(
            "buying.split",
            window_days=params["window_days"],
            total=format_rupees(params["total_paise"]),
            required=mode_name(params["required_mode"]),
        )
        raise SplitRefused(text, fields={"lines": [text]})
    return made


def _locked(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().get(pk=demand.pk)


@transaction.atomic
def demand_compare(*, acting_user: Acting, demand: Demand) -> Demand:
    """MODE-2/3 again, with a fresh draw: for a demand whose offers changed
    (price, stock) since it was decided. Not once it is ordered or cancelled."""
    actor = require_buyer(acting_user, demand.office)
    demand = _locked(demand)
    if demand.status not in OPEN_STATUSES:
        raise conflict("buying.demand_not_open")
    lines = list(demand.lines.select_related("offer", "offer__product", "offer__seller_firm"))
    outcomes = decide_lines(demand, lines)
    if demand.mode == rules.L1 and any(not outcome.allowed for outcome in outcomes):
        demand.status = Demand.Status.BID_REQUIRED
    demand.updated_at = clock.now()
    demand.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor.user,
        action="buying.demand_compared",
        target=demand,
        payload={"receipts": [outcome.receipt.digest() for outcome in outcomes]},
    )
    return demand


@transaction.atomic
def demand_cancel(*, acting_user: Acting, demand: Demand) -> Demand:
    """The buyer drops a demand not yet ordered; blocked funds are released."""
    actor = require_buyer(acting_user, demand.office)
    demand = _locked(demand)
    if demand.status in (Demand.Status.ORDERED, Demand.Status.CANCELLED):
        raise conflict("buying.demand_not_open")
    now = clock.now()
    released = FundBlock.objects.filter(demand=demand, status=FundBlock.Status.BLOCKED).update(
        status=FundBlock.Status.RELEASED, released_at=now
    )
    demand.status = Demand.Status.CANCELLED
    demand.updated_at = now
    demand.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor.user,
        action="buying.demand_cancelled",
        target=demand,
        payload={"funds_released": bool(released)},
    )
    return demand


def receipt_of(data: dict[str, Any] | None) -> DecisionReceipt | None:
    return DecisionReceipt.from_dict(data) if data else None


__all__ = [
    "LineInput",
    "SplitRefused",
    "TermInput",
    "demand_cancel",
    "demand_compare",
    "demand_create",
    "receipt_of",
]
