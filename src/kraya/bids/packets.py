"""BID-5: what a submission's two sealed packets hold, as JSON.

Technical packet (opened at the technical opening)::

    {"version": 1,
     "items": [{"position": 1, "offer_id": 12 | null, "product_id": 7 | null,
                "title": "...", "brand": "...", "model": "...", "manufacturer": "...",
                "mii_class": "CLASS_1", "local_content_percent": 60,
                "specs": {"capacity": "9"}, "remarks": ""}],
     "seller": {"is_mse": true, "mse_category": "MANUFACTURER", "is_startup": false,
                "segments": ["MSE", "WOMEN"], "turnover_paise_by_year": [...],
                "experience_years": 4, "past_performance_percent": "80"},
     "declarations": {"land_border": false},
     "receipts": [ ...the BID-2 eligibility and EMD receipts taken at submission... ]}

Financial packet (opened at the financial opening)::

    {"version": 1,
     "items": [{"position": 1, "unit_price_paise": 950000, "quantity": 100}]}

`quantity` is what the seller offers of the item (at most the bid's
quantity; MSE-1 shares a divisible lot in proportion to it). A lot's price is
the sum over its items of the unit price times the *bid's* quantity."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

PACKET_VERSION = 1


def encode(packet: Mapping[str, Any]) -> bytes:
    return json.dumps(packet, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def decode(raw: bytes) -> dict[str, Any]:
    value = json.loads(raw.decode())
    if not isinstance(value, dict) or value.get("version") != PACKET_VERSION:
        raise ValueError("not a version 1 packet")
    return value


def unit_prices(financial: Mapping[str, Any]) -> dict[int, int]:
    """Position → unit price (paise) of an opened financial packet."""
    return {int(item["position"]): int(item["unit_price_paise"]) for item in financial["items"]}


def offered_quantities(financial: Mapping[str, Any]) -> dict[int, int]:
    return {int(item["position"]): int(item["quantity"]) for item in financial["items"]}


def lot_price_paise(
    financial: Mapping[str, Any], lot_items: Iterable[tuple[int, int]]
) -> int | None:
    """The price of a lot for one bidder: Σ unit price × the bid's quantity
    over the lot's `(position, quantity)` items; None when the bidder did not
    quote every item of the lot (it is then not ranked for that lot)."""
    prices = unit_prices(financial)
    total = 0
    for position, quantity in lot_items:
        if position not in prices:
            return None
        total += prices[position] * quantity
    return total
