"""Input and output schemas of the buying API (`kraya.buying.api`). Inputs
bound every number and string (no value reaches the database it cannot
hold); the buying services check the rest and name the field they refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from kraya.api.pagination import MAX_CURSOR_LENGTH
from kraya.buying.services.demands import MAX_QUANTITY

MAX_ID = 2**63 - 1
MAX_PAISE = 10**17  # ₹1,000 lakh crore: far above any purchase, inside a bigint


# --- inputs ------------------------------------------------------------------------------


class LineIn(Schema):
    offer_id: int = Field(..., ge=1, le=MAX_ID)
    quantity: int = Field(..., ge=1, le=MAX_QUANTITY)


class TermIn(Schema):
    """An additional term of the buyer (ATC, ORD-1)."""

    clause: str = Field(..., max_length=200)
    text: str = Field(..., max_length=4000)
    text_hi: str = Field("", max_length=4000)


class DemandIn(Schema):
    office_id: int = Field(..., ge=1, le=MAX_ID)
    consignee_id: int = Field(..., ge=1, le=MAX_ID)
    lines: list[LineIn] = Field(..., max_length=100)
    delivery_state: str = Field(..., max_length=100)
    delivery_pincode: str = Field(..., max_length=20)
    delivery_address: str = Field(..., max_length=2000)
    mode: Literal["DIRECT", "L1", "BID"] | None = Field(
        None, description="A stricter mode than the value requires (MODE-4); default: required."
    )
    additional_terms: list[TermIn] = Field(default_factory=list, max_length=100)


class SanctionIn(Schema):
    """ORD-2: the Paying Authority blocks as themselves; a Buyer quotes the
    sanction reference and names the Paying Authority."""

    amount_paise: int | None = Field(
        None, ge=1, le=MAX_PAISE, description="Default: what the demand will cost as decided."
    )
    sanction_reference: str = Field("", max_length=400)
    budget_head: str = Field("", max_length=400)
    paying_authority_id: int | None = Field(None, ge=1, le=MAX_ID)


class AvailabilityReportIn(Schema):
    """MODE-6: a purchase made outside the portal."""

    office_id: int = Field(..., ge=1, le=MAX_ID)
    item: str = Field(..., max_length=1000)
    estimated_value_paise: int = Field(..., ge=1, le=MAX_PAISE)
    reason: str = Field(
        ...,
        max_length=40,
        description="NOT_AVAILABLE, SPEC_NOT_MET, DELIVERY_NOT_POSSIBLE, URGENT_EMERGENCY or OTHER",
    )
    explanation: str = Field("", max_length=4000)
    category_code: str | None = Field(None, max_length=100)


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int | None = Field(None, ge=1, description="Items per page (at most 200).")


# --- outputs -----------------------------------------------------------------------------


class CandidateOut(Schema):
    offer_id: int
    manufacturer: str
    price_paise: int


class DecisionOut(Schema):
    """The decision on one line (MODE-2 or MODE-3). `code` is the receipt's
    message code; `reason` says it in the reader's language. For L1, prices
    are for the line's quantity."""

    allowed: bool
    code: str
    reason: str
    l1_offer_id: int | None
    l1_price_paise: int | None
    candidates: list[CandidateOut]
    seed: str | None


class DemandLineOut(Schema):
    position: int
    offer_id: int
    quantity: int
    unit_price_paise: int
    golden_specs: dict[str, str]
    decision: DecisionOut | None
    selected_offer_id: int | None
    selected_unit_price_paise: int | None


class FundBlockOut(Schema):
    amount_paise: int
    sanction_reference: str
    budget_head: str
    paying_authority_id: int
    status: str
    blocked_at: dt.datetime


class ReceiptsOut(Schema):
    mode: dict[str, Any]
    choice: dict[str, Any] | None
    split: dict[str, Any]


class DemandOut(Schema):
    id: int
    reference: str
    office_id: int
    category_code: str
    status: str
    total_paise: int
    required_mode: str
    mode: str
    mode_reason: str
    policy_version: str
    split_reason: str
    lines: list[DemandLineOut]
    selected_total_paise: int | None
    fund_block: FundBlockOut | None
    orders: list[str]
    receipts: ReceiptsOut
    created_at: dt.datetime


class DemandPage(Schema):
    items: list[DemandOut]
    next_cursor: str | None


class FundsOut(Schema):
    office_id: int
    blocked_paise: int
    blocks: int


class AvailabilityReportOut(Schema):
    report_id: str
    office_id: int
    item: str
    estimated_value_paise: int
    reason: str
    reason_label: str
    explanation: str
    on: dt.date
    receipt: dict[str, Any]


class AvailabilityReportPage(Schema):
    items: list[AvailabilityReportOut]
    next_cursor: str | None


class ComplianceOut(Schema):
    department_id: int
    department: str
    availability_reports: int
    off_portal_paise: int
    split_refusals: int
