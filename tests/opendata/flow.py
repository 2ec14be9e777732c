"""Contracting processes driven through the real services for the open-data
tests, and the offline OCDS 1.1.5 validators.

`bid_to_award` publishes a bid (with a corrigendum), opens, evaluates,
ranks, settles the MSE preference (MSE-1) and awards it; `direct_order` and
`l1_order` place catalogue purchases (tests/orders/flow.py); `drive` moves
an order to a state. `validators()` builds Draft-4 validators for the
release and record package schemas of `../shared/ocds-1.1.5/` with the
release schema registered under its URL (no network)."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from kraya.bids import states
from kraya.bids.models import Bid, BidKeys, MatchInvitation, Submission
from kraya.bids.services import award, evaluation, opening, preferences, publication
from kraya.core import clock
from kraya.opendata.services import releases_publish
from kraya.orders.models import Order
from kraya.sellers import rules as seller_rules
from tests.bids.factory import make_bid, make_submission
from tests.bids.flow import MSE, sellers
from tests.bids.test_participation_services import verify_firm
from tests.buying.market import Market
from tests.orders.flow import drive, place

SCHEMA_DIR = Path(
    os.environ.get("KRAYA_OCDS_SCHEMA_DIR", settings.PROJECT_DIR.parent / "shared" / "ocds-1.1.5")
)

QUOTES = [
    {"prices": {1: 100_00}},
    {"prices": {1: 110_00}, "seller": MSE},
    {"prices": {1: 114_00}, "seller": MSE},
]


def published_bid(world: Any, **fields: Any) -> Bid:
    """A draft bid (rows) published through `bid_publish` (the `bids.publish` event)."""
    bid = make_bid(
        world,
        items=[("LED lamp 9 W", 1_000, 120_00)],
        status=states.DRAFT,
        mii_preference=False,
        **fields,
    )
    BidKeys.objects.filter(bid=bid).delete()  # publication makes the bid's keys
    Bid.objects.filter(pk=bid.pk).update(number="")
    bid.refresh_from_db()
    return publication.bid_publish(
        acting_user=world.buyer,
        bid=bid,
        end_at=clock.now() + dt.timedelta(days=12),
        offer_validity_days=90,
    )


def bid_to_award(world: Any) -> tuple[Bid, list[Order]]:
    """The MSE-1 worked example through every step: L1 gets 750 units, the
    two MSEs (KYC-3 verified MSE) 125 each, at ₹100 a unit."""
    bid = published_bid(world)
    publication.corrigendum_publish(
        acting_user=world.buyer,
        bid=bid,
        reason="More lamps needed",
        changes=publication.CorrigendumChanges(
            quantities={1: 1_000}, description="LED lamps for the wards"
        ),
    )
    bid.refresh_from_db()
    firms = sellers(world, len(QUOTES))
    for (firm, user), quote in zip(firms, QUOTES, strict=True):
        if quote.get("seller"):
            verify_firm(firm, segments=(seller_rules.MSE,))
        make_submission(bid, firm, user, **quote)
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    with clock.frozen_at(bid.opening_at + dt.timedelta(hours=1)):
        for submission in Submission.objects.filter(bid=bid):
            evaluation.technical_evaluate(
                acting_user=world.buyer, submission=submission, qualified=True
            )
    now = bid.opening_at + dt.timedelta(days=1)
    with clock.frozen_at(now):
        evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
        bid.refresh_from_db()
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        for invitation in MatchInvitation.objects.filter(lot__bid=bid):
            preferences.invitation_answer(
                acting_user=invitation.submission.submitted_by, invitation=invitation, accept=True
            )
        bid.refresh_from_db()
        award.bid_sanction(acting_user=world.buyer, bid=bid, sanction_reference="SAN/2026/17")
        orders = award.bid_award(acting_user=world.buyer, bid=bid)
    bid.refresh_from_db()
    return bid, orders


def direct_order(world: Any, market: Market) -> Order:
    """A direct purchase (MODE-2) of one purifier, ₹12,000."""
    return place(world, market, quantity=1)


def l1_order(world: Any, market: Market) -> Order:
    """An L1 purchase (MODE-3) of ten purifiers, ₹1,20,000."""
    return place(world, market, quantity=10)


def paid(world: Any, order: Order) -> Order:
    return drive(world, order, "PAID")


def publish_now() -> int:
    """Run the publisher and move the clock past the feed delay; the feed head."""
    from kraya.opendata.selectors import feed_head

    releases_publish()
    return feed_head(at=clock.now() + dt.timedelta(seconds=10))


# --- offline validation ---------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    path = SCHEMA_DIR / name
    if not path.exists():
        raise AssertionError(f"OCDS schema missing: {path} (set KRAYA_OCDS_SCHEMA_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


_formats = FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None and "T" in value


@_formats.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


@cache
def validators() -> tuple[Draft4Validator, Draft4Validator]:
    """(release package validator, record package validator)."""
    release_schema = _load("release-schema.json")
    registry: Registry[Any] = Registry().with_resource(
        release_schema["id"], Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    packages = []
    for name in ("release-package-schema.json", "record-package-schema.json"):
        schema = _load(name)
        Draft4Validator.check_schema(schema)
        packages.append(Draft4Validator(schema, registry=registry, format_checker=_formats))
    return packages[0], packages[1]


def errors_of(validator: Draft4Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def parse(text: str | bytes) -> Any:
    """OCDS JSON with exact amounts (Decimal)."""
    return json.loads(text, parse_float=Decimal)
