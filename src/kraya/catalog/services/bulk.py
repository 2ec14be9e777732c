"""CAT-2: a seller firm updates prices and stock of many offers by CSV.

Each row is judged on its own: good rows are applied together in one
transaction, each with its price history and a fresh CAT-4 flag; bad rows
change nothing and come back in the report with their problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from kraya.accounts.models import SellerFirm
from kraya.catalog import rules
from kraya.catalog.models import Offer, OfferPriceChange
from kraya.catalog.rules.bulk import CsvRow, parse_sheet
from kraya.catalog.services._common import (
    Acting,
    catalogue_user,
    message,
    refuse,
    reindex_on_commit,
)
from kraya.catalog.services.offers import flag_for
from kraya.core import audit, clock

_COLUMN = {"price_paise": "price", "mrp_paise": "mrp"}


@dataclass(frozen=True, slots=True)
class RowReport:
    line: int
    offer_id: int | None
    ok: bool
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BulkReport:
    updated: int
    refused: int
    rows: list[RowReport]


def _errors(problems: list[rules.Problem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(message(problem))
    return errors


def _row_problems(row: CsvRow, offer: Offer | None) -> list[rules.Problem]:
    if row.problems or row.offer_id is None:
        return row.problems
    if offer is None:
        return [rules.Problem("offer_id", "catalog.csv_unknown_offer", "CAT-2")]
    if offer.status not in {rules.PENDING, rules.PUBLISHED}:
        return [rules.Problem("offer_id", "catalog.offer_not_open", "CAT-2")]
    problems = rules.offer_problems(
        price_paise=offer.price_paise if row.price_paise is None else row.price_paise,
        mrp_paise=offer.mrp_paise if row.mrp_paise is None else row.mrp_paise,
        stock=offer.stock if row.stock is None else row.stock,
        lead_time_days=offer.lead_time_days,
    )
    # Name the CSV's columns, not the model's fields.
    return [
        rules.Problem(_COLUMN.get(p.field, p.field), p.code, p.rule, p.params) for p in problems
    ]


@transaction.atomic
def offers_bulk_update_csv(*, acting_user: Acting, firm: SellerFirm, content: bytes) -> BulkReport:
    """Apply a price/stock CSV to the firm's own offers (CAT-2, CAT-4). Rows
    naming another firm's offer, or an offer twice, are refused."""
    actor = catalogue_user(acting_user, firm)
    sheet = parse_sheet(content)
    if sheet.problems:
        raise refuse(sheet.problems)
    ids = [row.offer_id for row in sheet.rows if row.offer_id is not None]
    offers = {
        offer.pk: offer
        for offer in Offer.objects.select_for_update()
        .select_related("product")
        .filter(seller_firm=firm, pk__in=ids)
        .order_by("pk")
    }
    now = clock.now()
    reports: list[RowReport] = []
    changed: list[Offer] = []
    for row in sheet.rows:
        offer = offers.get(row.offer_id) if row.offer_id is not None else None
        problems = _row_problems(row, offer)
        if problems or offer is None:
            reports.append(RowReport(row.line, row.offer_id, False, _errors(problems)))
            continue
        if row.price_paise is not None:
            offer.price_paise = row.price_paise
        if row.mrp_paise is not None:
            offer.mrp_paise = row.mrp_paise
        if row.stock is not None:
            offer.stock = row.stock
        offer.updated_at = now
        flag = flag_for(product=offer.product, price_paise=offer.price_paise, now=now)
        offer.price_flag = flag.flag
        offer.reference_price_paise = flag.reference.price_paise if flag.reference else None
        offer.price_evidence = flag.evidence()
        changed.append(offer)
        reports.append(RowReport(row.line, row.offer_id, True))
    Offer.objects.bulk_update(
        changed,
        [
            "price_paise",
            "mrp_paise",
            "stock",
            "updated_at",
            "price_flag",
            "reference_price_paise",
            "price_evidence",
        ],
        batch_size=500,
    )
    OfferPriceChange.objects.bulk_create(
        OfferPriceChange(
            offer=offer,
            price_paise=offer.price_paise,
            mrp_paise=offer.mrp_paise,
            stock=offer.stock,
            changed_at=now,
            changed_by=actor.user,
            source=OfferPriceChange.Source.CSV,
        )
        for offer in changed
    )
    refused = sum(1 for report in reports if not report.ok)
    audit.record(
        actor=actor.user,
        action="catalog.offer.bulk_update",
        target=firm,
        payload={
            "updated": [offer.pk for offer in changed],
            "refused_lines": [report.line for report in reports if not report.ok],
        },
    )
    reindex_on_commit(offer.pk for offer in changed)
    return BulkReport(updated=len(changed), refused=refused, rows=reports)
