"""BID-5: what a submission's two sealed packets hold, as JSON.

Technical packet (opened at the technical opening)::

    {"version": 1,
     "items": [{"position": 1, "offer_id": 12 | null, "product_id": 7 | null,
                "title": "...", "brand": "...", "model": "...", "manufacturer": "...",
                "mii_class": "CLASS_1", "local_content_percent": 60,
                "specs": {"capacity": "9"}, "remarks": ""}],
     "seller": {"is_mse": true, "mse_category": "manufacturer", "is_startup": false,
                "segments": ["MSE", "WOMEN"], "turnover_paise_by_year": [...],
                "experience_years": 4, "past_performance_percent": "80"},
     "declarations": {"land_border": false, "emd_reference": "BG/123" | ""},
     "receipts": [ ...the BID-2 eligibility and EMD receipts taken at submission... ]}

Financial packet (opened at the financial opening)::

    {"version": 1,
     "items": [{"position": 1, "unit_price_paise": 950000, "quantity": 100}]}

`quantity` is what the seller offers of the item (at most the bid's
quantity; MSE-1 shares a divisible lot in proportion to it).

What a lot compares (BID-7's quote, RA-1's start, §7's price): for a lot of
one item, the *unit* price, so a divisible lot can be shared by quantity at
the L1 unit price; for a lot of several items, the lot's total (the sum over
its items of the unit price times the bid's quantity), and the lot goes whole
to one seller (quantity 1)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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


def lot_quote_paise(
    financial: Mapping[str, Any], lot_items: Sequence[tuple[int, int]]
) -> int | None:
    """What one bidder quotes for a lot of `(position, quantity)` items: the
    unit price for a one-item lot, else the sum of unit price times the bid's
    quantity; None when the bidder did not quote every item (it is then not
    ranked for that lot)."""
    prices = unit_prices(financial)
    if any(position not in prices for position, _ in lot_items):
        return None
    if len(lot_items) == 1:
        return prices[lot_items[0][0]]
    return sum(prices[position] * quantity for position, quantity in lot_items)
