"""MODE-2 and MODE-3 on the database: which offers can serve a demand line,
and the decision on whom the line is bought from.

The L1 comparison reads the search index (one row per listed offer, with the
product's golden parameters and the delivery area) joined to the offer's
stock: the offers of the line's category whose golden parameters equal the
chosen product's, that deliver to the demand's state and PIN code and hold
the quantity. Of those it passes the rule the lowest-priced offers of each
manufacturer (every offer at that manufacturer's lowest price): the overall
lowest price, every offer tied at it and the count of manufacturers are the
same as over all of them, and the stored receipt stays small in a category
of thousands of offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, JSONField, Q, Value
from django.db.models.functions import Coalesce, NullIf

from kraya.buying import rules
from kraya.buying.models import Demand, DemandLine
from kraya.buying.rules.l1 import manufacturer_key
from kraya.catalog.models import Offer
from kraya.catalog.rules.offers import STATE_BITS
from kraya.catalog.search.models import OfferDocument
from kraya.core import clock
from kraya.core.policy import Policy, policy_at
from kraya.core.receipts import DecisionReceipt

# A safety net for a category where every offer ties: at most this many
# offers reach the rule (the lowest-priced first).
MAX_CANDIDATES = 500


@dataclass(frozen=True, slots=True)
class LineOutcome:
    line: DemandLine
    allowed: bool
    code: str
    receipt: DecisionReceipt


def delivers(offer: Offer, *, state: str, pincode: str) -> bool:
    """MODE-2: the offer delivers to the state, and to the PIN code where it
    lists PIN codes."""
    bit = STATE_BITS.get(state)
    if bit is None or not (offer.delivery_state_mask >> bit) & 1:
        return False
    listed = [p for p in offer.delivery_pincodes.replace(";", ",").split(",") if p.strip()]
    return not listed or pincode in {p.strip() for p in listed}


def _manufacturer() -> Any:
    return Coalesce(NullIf(F("oem"), Value("")), F("brand"))


def candidates(*, demand: Demand, line: DemandLine) -> list[rules.Candidate]:
    """MODE-3: the offers that can serve `line` (see the module docstring),
    cheapest of each manufacturer, as the rule's candidates."""
    bit = STATE_BITS[demand.delivery_state]
    documents = (
        OfferDocument.objects.filter(category_id=line.offer.category_id)
        .annotate(state_bit=F("delivery_state_mask").bitand(1 << bit))
        .filter(state_bit__gt=0)
        .filter(
            Q(delivery_pincodes="") | Q(delivery_pincodes__contains=f",{demand.delivery_pincode},")
        )
        .filter(offer__stock__gte=line.quantity)
    )
    golden = {code: value for code, value in line.golden_specs.items()}
    if golden:
        if connection.vendor == "postgresql":
            # `jsonb_contains` is `@>` without the GIN index: a category holds
            # hundreds of documents (read by search_doc_category_price) where
            # common golden values match thousands across the catalogue (at
            # 1.5M offers: 0.4 ms instead of 18 ms, measured).
            contains = Func(
                F("golden_specs"),
                Value(golden, output_field=JSONField()),
                function="jsonb_contains",
                output_field=BooleanField(),
            )
            documents = documents.annotate(golden_met=contains).filter(golden_met=True)
        else:
            documents = documents.filter(**{f"golden_specs__{c}": v for c, v in golden.items()})
    rows = list(
        documents.annotate(maker=_manufacturer())
        .order_by("price_paise", "offer_id")
        .values_list("offer_id", "maker", "price_paise")[: MAX_CANDIDATES * 20]
    )
    lowest: dict[str, int] = {}
    chosen: list[rules.Candidate] = []
    for offer_id, maker, price in rows:
        key = manufacturer_key(maker)
        if key in lowest and price > lowest[key]:
            continue
        lowest.setdefault(key, price)
        chosen.append(
            rules.Candidate(
                offer_id=str(offer_id),
                manufacturer=maker,
                price_paise=price * line.quantity,
                meets_golden_parameters=True,
                delivers=True,
            )
        )
        if len(chosen) >= MAX_CANDIDATES:
            break
    return chosen


def decide_line(*, demand: Demand, line: DemandLine, policy: Policy) -> LineOutcome:
    """The decision on one line under the demand's mode: MODE-2 for a direct
    purchase (the buyer's own offer), MODE-3 for L1 (the cheapest eligible
    offer, drawn among ties). Saves it on the line."""
    offer = line.offer
    if demand.mode == rules.DIRECT:
        listed = offer.is_listed
        ok_delivery = (
            listed
            and delivers(offer, state=demand.delivery_state, pincode=demand.delivery_pincode)
            and offer.stock >= line.quantity
        )
        decision = rules.direct_purchase(
            offer_id=str(offer.pk),
            meets_golden_parameters=listed,
            delivers=ok_delivery,
            total_paise=demand.total_paise,
            policy=policy,
        )
        line.decision = decision.receipt.as_dict()
        if decision.allowed:
            line.selected_offer = offer
            line.selected_unit_price_paise = offer.price_paise
        else:
            line.selected_offer = None
            line.selected_unit_price_paise = None
        outcome = LineOutcome(line, decision.allowed, decision.code, decision.receipt)
    else:
        l1 = rules.l1_selection(
            candidates(demand=demand, line=line), policy, rules.new_tie_break_seed()
        )
        line.decision = l1.receipt.as_dict()
        if l1.allowed:
            assert l1.l1_offer_id is not None and l1.l1_price_paise is not None
            line.selected_offer_id = int(l1.l1_offer_id)
            line.selected_unit_price_paise = l1.l1_price_paise // line.quantity
        else:
            line.selected_offer = None
            line.selected_unit_price_paise = None
        outcome = LineOutcome(line, l1.allowed, l1.code, l1.receipt)
    line.decided_at = clock.now()
    line.save(
        update_fields=["decision", "decided_at", "selected_offer", "selected_unit_price_paise"]
    )
    return outcome


def decide_lines(demand: Demand, lines: list[DemandLine]) -> list[LineOutcome]:
    """Decide every line (MODE-2/3) under the policy of the demand's date."""
    policy = policy_at(demand.on)
    return [decide_line(demand=demand, line=line, policy=policy) for line in lines]
