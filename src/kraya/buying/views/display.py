"""What the buying pages show of a demand, built from its stored receipts:
the decision sentences in the reader's language, the L1 comparison table
(MODE-3: ranks, offers, manufacturers and prices, no seller names before the
order) and the tie-break draw when there was one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kraya.buying.models import Demand, DemandLine
from kraya.buying.wording import explain
from kraya.catalog import web_selectors as catalogue
from kraya.catalog.models import Offer
from kraya.orders.models import Order


@dataclass(frozen=True, slots=True)
class ComparedOffer:
    rank: int
    offer_id: int
    title: str
    manufacturer: str
    unit_price_paise: int
    total_paise: int
    is_l1: bool


@dataclass(frozen=True, slots=True)
class LineView:
    line: DemandLine
    sentence: str
    golden: list[tuple[str, str]] = field(default_factory=list)
    comparison: list[ComparedOffer] = field(default_factory=list)
    tied: int = 0
    seed: str = ""


def _titles(lines: list[DemandLine]) -> dict[int, str]:
    """The titles of every offer the lines' comparisons name (one query)."""
    ids: set[int] = set()
    for line in lines:
        if line.decision and line.decision.get("kind") == "buying.l1":
            ids.update(int(c["offer_id"]) for c in line.decision["inputs"]["candidates"])
    offers = Offer.objects.filter(pk__in=ids).select_related("product")
    return {offer.pk: offer.display_title for offer in offers}


def _comparison(line: DemandLine, titles: dict[int, str]) -> list[ComparedOffer]:
    receipt: dict[str, Any] = line.decision or {}
    if receipt.get("kind") != "buying.l1":
        return []
    chosen = receipt["outcome"].get("l1_offer_id")
    listed = sorted(
        receipt["inputs"]["candidates"], key=lambda c: (c["price_paise"], c["offer_id"])
    )
    return [
        ComparedOffer(
            rank=rank,
            offer_id=int(c["offer_id"]),
            title=titles.get(int(c["offer_id"]), ""),
            manufacturer=c["manufacturer"],
            # The receipt holds the price of the demanded quantity (MODE-3).
            unit_price_paise=c["price_paise"] // line.quantity,
            total_paise=c["price_paise"],
            is_l1=c["offer_id"] == chosen,
        )
        for rank, c in enumerate(listed, start=1)
    ]


def _golden(line: DemandLine, parameters: list[Any]) -> list[tuple[str, str]]:
    """CAT-1: the line's golden parameters, labelled and with their units."""
    return [
        (p.display_name, f"{line.golden_specs[p.code]} {p.unit}".strip())
        for p in parameters
        if p.code in line.golden_specs
    ]


def line_views(demand: Demand) -> list[LineView]:
    lines = list(demand.lines.all())
    titles = _titles(lines)
    parameters = catalogue.golden_parameters(category=demand.category)
    views = []
    for line in lines:
        receipt = line.decision or {}
        outcome = receipt.get("outcome", {})
        views.append(
            LineView(
                line=line,
                sentence=explain(receipt) if receipt else "",
                golden=_golden(line, parameters),
                comparison=_comparison(line, titles),
                tied=len(outcome.get("tied") or ()),
                seed=str(receipt.get("inputs", {}).get("seed", ""))
                if receipt.get("kind") == "buying.l1"
                else "",
            )
        )
    return views


def decision_sentences(demand: Demand) -> dict[str, str]:
    """MODE-1 (and MODE-4's choice) and MODE-5 as sentences."""
    return {
        "mode": explain(demand.mode_receipt),
        "choice": explain(demand.choice_receipt) if demand.choice_receipt else "",
        "split": explain(demand.split_receipt),
    }


def orders_of(demand: Demand) -> list[Order]:
    """The contracts a demand became (ORD-1), one per seller firm."""
    found: dict[int, Order] = {}
    for line in demand.lines.all():
        if line.order is not None:
            found.setdefault(line.order.pk, line.order)
    return sorted(found.values(), key=lambda order: order.number)
