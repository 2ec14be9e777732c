"""Schemas shared by the bids API (`kraya.bids.api`), and those of its
publication part. Inputs bound every number and string; the services check
the rules and name the field they refuse. Other areas keep their own schemas
in their own module and may reuse `PageQuery`, `MAX_ID` and `MAX_PAISE`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kraya.api.pagination import MAX_CURSOR_LENGTH

MAX_ID = 2**63 - 1
MAX_PAISE = 10**17
MAX_QUANTITY = 10_00_000


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int | None = Field(None, ge=1, description="Items per page (at most 200).")


# --- inputs ------------------------------------------------------------------------------


class TermIn(Schema):
    """An additional term of the buyer (ATC)."""

    clause: str = Field(..., max_length=200)
    text: str = Field(..., max_length=4000)
    text_hi: str = Field("", max_length=4000)


class BidItemIn(Schema):
    """A catalogue category (by code) with its golden parameters, or a free
    BOQ line without a category."""

    title: str = Field("", max_length=400)
    quantity: int = Field(..., ge=1, le=MAX_QUANTITY)
    estimated_unit_price_paise: int = Field(..., ge=1, le=MAX_PAISE)
    category_code: str | None = Field(None, max_length=100)
    golden_specs: dict[str, str] = Field(default_factory=dict, max_length=50)
    specification: str = Field("", max_length=4000)
    unit: str = Field("unit", max_length=30)
    group: int | None = Field(None, ge=1, le=50, description="Group-wise bids: the item's group.")


class BidSettingsIn(Schema):
    """The BID-1/BID-2 settings, §7 preferences and §8 auction flag."""

    description: str = Field("", max_length=8000)
    delivery_period_days: int = Field(30, ge=1, le=365)
    evaluation_basis: str = Field("TOTAL", max_length=8, description="TOTAL, ITEM or GROUP")
    divisible: bool = True
    min_average_turnover_paise: int = Field(0, ge=0, le=MAX_PAISE)
    min_experience_years: int = Field(0, ge=0, le=50)
    min_past_performance_percent: Decimal = Field(Decimal(0), ge=0, le=100, decimal_places=2)
    relax_for_mse_and_startups: bool = False
    emd_percent: Decimal = Field(Decimal(0), ge=0, le=100, decimal_places=2)
    epbg_percent: Decimal = Field(Decimal(0), ge=0, le=100, decimal_places=2)
    epbg_months: int = Field(0, ge=0, le=120)
    mse_preference: bool = True
    mse_share_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    mii_preference: bool = True
    mii_reservation: str = Field("NONE", max_length=12)
    reverse_auction: bool = False
    ra_qualification: str = Field("", max_length=20)
    two_packet: bool = True
    min_bids: int | None = Field(None, ge=1, le=50)
    additional_terms: list[TermIn] = Field(default_factory=list, max_length=100)
    end_at: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    offer_validity_days: int | None = Field(None, ge=0, le=3650)


class BidIn(BidSettingsIn):
    office_id: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., max_length=400)
    items: list[BidItemIn] = Field(..., max_length=100)
    consignee_id: int = Field(..., ge=1, le=MAX_ID)
    paying_authority_id: int = Field(..., ge=1, le=MAX_ID)
    delivery_state: str = Field(..., max_length=100)
    delivery_pincode: str = Field(..., max_length=20)
    delivery_address: str = Field(..., max_length=2000)


class BidFromDemandIn(BidSettingsIn):
    """The demand gives the items, consignee and delivery place."""

    title: str = Field("", max_length=400)
    paying_authority_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Default: the office's only Paying Authority."
    )


class BidPatchIn(Schema):
    """A partial edit of a draft: only the fields given change."""

    title: str | None = Field(None, max_length=400)
    items: list[BidItemIn] | None = Field(None, max_length=100)
    consignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    paying_authority_id: int | None = Field(None, ge=1, le=MAX_ID)
    delivery_state: str | None = Field(None, max_length=100)
    delivery_pincode: str | None = Field(None, max_length=20)
    delivery_address: str | None = Field(None, max_length=2000)
    description: str | None = Field(None, max_length=8000)
    delivery_period_days: int | None = Field(None, ge=1, le=365)
    evaluation_basis: str | None = Field(None, max_length=8)
    divisible: bool | None = None
    min_average_turnover_paise: int | None = Field(None, ge=0, le=MAX_PAISE)
    min_experience_years: int | None = Field(None, ge=0, le=50)
    min_past_performance_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    relax_for_mse_and_startups: bool | None = None
    emd_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    epbg_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    epbg_months: int | None = Field(None, ge=0, le=120)
    mse_preference: bool | None = None
    mse_share_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    mii_preference: bool | None = None
    mii_reservation: str | None = Field(None, max_length=12)
    reverse_auction: bool | None = None
    ra_qualification: str | None = Field(None, max_length=20)
    two_packet: bool | None = None
    min_bids: int | None = Field(None, ge=1, le=50)
    additional_terms: list[TermIn] | None = Field(None, max_length=100)
    end_at: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    offer_validity_days: int | None = Field(None, ge=0, le=3650)


class PublishIn(Schema):
    end_at: dt.datetime
    opening_at: dt.datetime | None = Field(None, description="Default: at the end.")
    offer_validity_days: int = Field(..., ge=0, le=3650)


class CorrigendumIn(Schema):
    """BID-3: the reason and the fields to change (absent: unchanged)."""

    reason: str = Field(..., max_length=4000)
    end_at: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    description: str | None = Field(None, max_length=8000)
    quantities: dict[int, int] | None = Field(
        None, description="Item position → new quantity.", max_length=100
    )
    delivery_period_days: int | None = Field(None, ge=1, le=365)
    offer_validity_days: int | None = Field(None, ge=0, le=3650)
    min_average_turnover_paise: int | None = Field(None, ge=0, le=MAX_PAISE)
    min_experience_years: int | None = Field(None, ge=0, le=50)
    min_past_performance_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    relax_for_mse_and_startups: bool | None = None
    emd_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    epbg_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    epbg_months: int | None = Field(None, ge=0, le=120)
    additional_terms: list[TermIn] | None = Field(None, max_length=100)


class CancelIn(Schema):
    reason: str = Field(..., max_length=4000)


# --- outputs -----------------------------------------------------------------------------


class BidItemOut(Schema):
    position: int
    lot: int
    title: str
    category_code: str | None
    golden_specs: dict[str, str]
    specification: str
    unit: str
    quantity: int
    estimated_unit_price_paise: int


class LotOut(Schema):
    number: int
    title: str
    divisible: bool


class TermOut(Schema):
    clause: str
    text: dict[str, str]


class CorrigendumOut(Schema):
    version: int
    reason: str
    changes: dict[str, Any]
    end_extended: bool
    published_at: dt.datetime


class BidOut(Schema):
    """A bid as anyone who may see it reads it: never anything of its
    submissions, nor their number (BID-4, BID-5)."""

    id: int
    number: str
    reference: str
    status: str
    status_label: str
    office_id: int
    office: str
    demand_id: int | None
    title: str
    description: str
    estimated_value_paise: int
    items: list[BidItemOut]
    lots: list[LotOut]
    evaluation_basis: str
    consignee_id: int
    paying_authority_id: int
    delivery_state: str
    delivery_pincode: str
    delivery_address: str
    delivery_period_days: int
    published_at: dt.datetime | None
    end_at: dt.datetime
    opening_at: dt.datetime
    original_end_at: dt.datetime | None
    extended_due_to_less_competition: bool
    offer_validity_days: int
    min_average_turnover_paise: int
    min_experience_years: int
    min_past_performance_percent: Decimal
    relax_for_mse_and_startups: bool
    emd_percent: Decimal
    epbg_percent: Decimal
    epbg_months: int
    mse_preference: bool
    mse_share_percent: Decimal | None
    mii_preference: bool
    mii_reservation: str
    reverse_auction: bool
    ra_qualification: str
    two_packet: bool
    min_bids: int
    additional_terms: list[TermOut]
    policy_version: str
    corrigenda: list[CorrigendumOut]
    cancelled_at: dt.datetime | None
    cancel_reason: str
    receipts: list[dict[str, Any]]
    created_at: dt.datetime
    updated_at: dt.datetime


class BidSummaryOut(Schema):
    id: int
    number: str
    reference: str
    status: str
    title: str
    office_id: int
    estimated_value_paise: int
    end_at: dt.datetime
    published_at: dt.datetime | None
    corrigenda: int
    updated: bool


class BidPage(Schema):
    items: list[BidSummaryOut]
    next_cursor: str | None
