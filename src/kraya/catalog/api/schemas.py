"""The catalogue API's request and response shapes (CAT-1..4, MII-1).
The database models are not the API schema: these are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kraya.catalog import rules
from kraya.catalog.models import Category, Offer, Product, SpecParameter
from kraya.catalog.rules import offers as offer_rules
from kraya.sellers.rules import STATES


class ChoiceOut(Schema):
    value: str
    en: str
    hi: str = ""


class ParameterOut(Schema):
    code: str
    name: str
    name_hi: str
    kind: SpecParameter.Kind
    unit: str
    choices: list[ChoiceOut]
    is_golden: bool
    is_required: bool
    min_value: Decimal | None
    max_value: Decimal | None
    position: int


class CategoryOut(Schema):
    code: str
    name: str
    name_hi: str
    kind: Category.Kind
    parent: str | None
    description: str
    description_hi: str
    parameters: list[ParameterOut]

    @staticmethod
    def resolve_parent(obj: Category) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None

    @staticmethod
    def resolve_parameters(obj: Category) -> list[SpecParameter]:
        return list(obj.parameters.all())


class CategoryIn(Schema):
    code: str = Field(max_length=rules.CATEGORY_CODE_MAX)
    name: str = Field(max_length=200)
    name_hi: str = Field("", max_length=200)
    kind: Category.Kind
    parent: str = Field("", max_length=rules.CATEGORY_CODE_MAX, description="The parent's code.")
    description: str = Field("", max_length=4000)
    description_hi: str = Field("", max_length=4000)


class ParameterIn(Schema):
    code: str = Field(max_length=rules.PARAMETER_CODE_MAX)
    name: str = Field(max_length=200)
    name_hi: str = Field("", max_length=200)
    kind: SpecParameter.Kind
    unit: str = Field("", max_length=32)
    choices: list[ChoiceOut] = Field(default_factory=list, max_length=200)
    is_golden: bool = False
    is_required: bool = False
    min_value: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    max_value: Decimal | None = Field(None, max_digits=18, decimal_places=4)


class BrandOut(Schema):
    id: int
    name: str
    is_registered: bool


class BrandIn(Schema):
    name: str = Field(max_length=100)
    owner_firm: int | None = Field(None, ge=1, le=2**63 - 1)


class ProductOut(Schema):
    id: int
    category: str
    brand: str
    brand_is_registered: bool
    oem: str
    model: str
    title: str
    title_hi: str
    description: str
    specs: dict[str, str]
    country_of_origin: str
    local_content_percent: int
    mii_class: Product.MiiClass
    gi_tag: str
    service_unit: str
    sla: dict[str, str]
    status: Product.Status
    rejection_reason: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None

    @staticmethod
    def resolve_category(obj: Product) -> str:
        return obj.category.code

    @staticmethod
    def resolve_brand(obj: Product) -> str:
        return obj.brand.name

    @staticmethod
    def resolve_brand_is_registered(obj: Product) -> bool:
        return obj.brand.is_registered


class ProductIn(Schema):
    category: str = Field(max_length=rules.CATEGORY_CODE_MAX, description="The category's code.")
    brand: str = Field(max_length=100)
    title: str = Field(max_length=200)
    title_hi: str = Field("", max_length=200)
    model: str = Field("", max_length=100)
    oem: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    specs: dict[str, str] = Field(default_factory=dict, max_length=100)
    country_of_origin: str = Field(max_length=3, description="ISO 3166 code, e.g. IN.")
    local_content_percent: int = Field(ge=0, le=100)
    gi_tag: str = Field("", max_length=200)
    service_unit: str = Field("", max_length=50, description="Services: e.g. per month.")
    sla: dict[str, str] = Field(default_factory=dict, max_length=20)


class RejectIn(Schema):
    reason: str = Field(max_length=offer_rules.MAX_REASON_LENGTH)


class PriceChangeOut(Schema):
    price_paise: int
    mrp_paise: int
    stock: int
    changed_at: dt.datetime
    source: str


class OfferOut(Schema):
    id: int
    product: int
    title: str
    title_hi: str
    category: str
    seller_name: str | None = Field(description="null where the caller may not see it yet.")
    price_paise: int
    mrp_paise: int
    stock: int
    lead_time_days: int
    delivery_states: list[str]
    delivery_pincodes: list[str]
    status: Offer.Status
    price_flag: str
    reference_price_paise: int | None
    price_evidence: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class FirmOfferOut(Schema):
    """An offer in the firm's own list."""

    id: int
    product: int
    title: str
    category: str
    price_paise: int
    mrp_paise: int
    stock: int
    lead_time_days: int
    delivery_states: list[str]
    status: Offer.Status
    price_flag: str
    reference_price_paise: int | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_product(obj: Offer) -> int:
        return obj.product_id

    @staticmethod
    def resolve_title(obj: Offer) -> str:
        return obj.product.title

    @staticmethod
    def resolve_category(obj: Offer) -> str:
        return obj.category.code

    @staticmethod
    def resolve_delivery_states(obj: Offer) -> list[str]:
        return rules.states_in_mask(obj.delivery_state_mask)


class OfferDetailOut(OfferOut):
    price_history: list[PriceChangeOut]


_ID = Field(ge=1, le=2**63 - 1)
_PAISE = Field(ge=1, le=rules.MAX_PRICE_PAISE)


class OfferIn(Schema):
    product: int = _ID
    price_paise: int = _PAISE
    mrp_paise: int = _PAISE
    stock: int = Field(0, ge=0, le=2**31 - 1)
    lead_time_days: int = Field(7, ge=0, le=10_000)
    delivery_states: list[str] = Field(max_length=len(STATES))
    delivery_pincodes: str = Field("", max_length=4000)


class OfferTermsIn(Schema):
    price_paise: int | None = Field(None, ge=1, le=rules.MAX_PRICE_PAISE)
    mrp_paise: int | None = Field(None, ge=1, le=rules.MAX_PRICE_PAISE)
    stock: int | None = Field(None, ge=0, le=2**31 - 1)
    lead_time_days: int | None = Field(None, ge=0, le=10_000)
    delivery_states: list[str] | None = Field(None, max_length=len(STATES))
    delivery_pincodes: str | None = Field(None, max_length=4000)


class CloneIn(Schema):
    product: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Another product to offer; default the same."
    )


class RowReportOut(Schema):
    line: int
    offer_id: int | None
    ok: bool
    errors: dict[str, list[str]]


class BulkReportOut(Schema):
    updated: int
    refused: int
    rows: list[RowReportOut]


class PriceReferenceIn(Schema):
    kind: str = Field(max_length=16, description="TRANSACTION or MARKET.")
    price_paise: int = _PAISE
    observed_at: dt.datetime | None = None
    source: str = Field("", max_length=300)


class PriceReferenceOut(Schema):
    id: int
    kind: str
    price_paise: int
    observed_at: dt.datetime
    source: str
