"""The typed shape of each policy section (one `policy/<section>.toml` each).

Every version of a section carries all of its values (no inheritance between
versions), its `effective_from` date, a `source` citation and, where the
sources are silent, `provisional = true` with `notes` saying what we assumed.

Numbers are never floats:
- money is integer paise (`*_paise`);
- percentages are decimal strings (`"0.30"`, `"15"`) read as `Decimal`. We
  chose strings over basis points because the TOML then reads like the order
  it cites ("0.30% of the order value"), a policy editor cannot slip a factor
  of 100, and the Decimal is still exact. A bare TOML float is refused."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_PERCENT = re.compile(r"\d{1,3}(\.\d{1,4})?")


def _percent(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f'write a percentage as a string, e.g. "0.30" (got {value!r}: TOML numbers '
            "with a fraction are binary floats, which are inexact)"
        )
    if not _PERCENT.fullmatch(value):
        raise ValueError(f'not a percentage like "15" or "0.30": {value!r}')
    number = Decimal(value)
    if number > 100:
        raise ValueError(f"a percentage cannot exceed 100: {value!r}")
    return number


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("effective_from is a date (2024-08-09), not a date-time")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None
    return value


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


Percent = Annotated[Decimal, BeforeValidator(_percent)]
Paise = Annotated[int, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class SectionVersion(_Strict):
    """What every version of every section carries besides its values."""

    title: ClassVar[str] = ""
    rules: ClassVar[tuple[str, ...]] = ()
    META_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"effective_from", "source", "provisional", "notes"}
    )

    effective_from: Annotated[dt.date, BeforeValidator(_iso_date)]
    source: Annotated[str, Field(min_length=3)]
    provisional: bool = False
    notes: str = ""

    @property
    def version(self) -> str:
        """The version id: its effective date, e.g. `2024-07-10`."""
        return self.effective_from.isoformat()

    def values(self) -> dict[str, Any]:
        """The policy values alone, JSON-ready (percentages as strings)."""
        return self.model_dump(mode="json", exclude=set(self.META_FIELDS))


class BuyingModes(SectionVersion):
    title = "Buying modes (GFR Rule 149)"
    rules = ("MODE-1", "MODE-3", "MODE-5")

    # MODE-1: inclusive upper limits (≤) on the demand's total value.
    direct_purchase_max_paise: Paise
    l1_purchase_max_paise: Paise
    l1_min_manufacturers: Positive  # MODE-3
    split_window_days: Positive  # MODE-5

    @model_validator(mode="after")
    def _ordered(self) -> BuyingModes:
        if self.direct_purchase_max_paise > self.l1_purchase_max_paise:
            raise ValueError("direct_purchase_max_paise exceeds l1_purchase_max_paise")
        return self


class CautionSlab(_Strict):
    min_turnover_paise: Paise  # inclusive lower bound of the slab
    amount_paise: Paise


class Kyc(SectionVersion):
    title = "Seller registration (KYC)"
    rules = ("KYC-2", "KYC-4", "KYC-6")

    gstin_required_above_paise: Paise  # KYC-2
    land_border_registration_months: Positive  # KYC-4
    caution_money_slabs: Annotated[tuple[CautionSlab, ...], BeforeValidator(_as_tuple)]  # KYC-6
    caution_money_exempt: Annotated[tuple[str, ...], BeforeValidator(_as_tuple)]

    @model_validator(mode="after")
    def _slabs(self) -> Kyc:
        bounds = [slab.min_turnover_paise for slab in self.caution_money_slabs]
        if not bounds or bounds[0] != 0:
            raise ValueError("caution_money_slabs must start at min_turnover_paise = 0")
        if bounds != sorted(set(bounds)):
            raise ValueError("caution_money_slabs must rise strictly by min_turnover_paise")
        return self

    def caution_money_paise(self, turnover_paise: int | None) -> int:
        """KYC-6: the slab amount for a turnover (no turnover → the first slab).
        Exemptions depend on the seller's categories and are the caller's."""
        turnover = turnover_paise or 0
        return next(
            slab.amount_paise
            for slab in reversed(self.caution_money_slabs)
            if turnover >= slab.min_turnover_paise
        )


class Bids(SectionVersion):
    title = "Bids"
    rules = ("BID-1", "BID-2", "BID-3", "BID-4", "BID-6")

    min_duration_days: Positive  # BID-1
    offer_validity_min_days: Positive
    offer_validity_max_days: Positive
    turnover_average_years: Positive
    emd_min_percent: Percent  # BID-2
    emd_max_percent: Percent
    emd_exempt: Annotated[tuple[str, ...], BeforeValidator(_as_tuple)]
    corrigendum_min_remaining_days: Positive  # BID-3
    min_bids_default: Positive  # BID-4
    auto_extension_days: Positive
    auto_extensions_max: Count
    clarification_days: Positive  # BID-6
    representation_hours: Positive
    representations_max: Count

    @model_validator(mode="after")
    def _ranges(self) -> Bids:
        if self.offer_validity_min_days > self.offer_validity_max_days:
            raise ValueError("offer_validity_min_days exceeds offer_validity_max_days")
        if self.emd_min_percent > self.emd_max_percent:
            raise ValueError("emd_min_percent exceeds emd_max_percent")
        return self


class Mse(SectionVersion):
    title = "Purchase preference for MSEs"
    rules = ("MSE-1", "MSE-4")

    l1_band_percent: Percent  # MSE-1: L1 + this, inclusive
    quantity_share_percent: Percent  # MSE-1 default bid parameter
    annual_target_percent: Percent  # MSE-4
    sc_st_target_percent: Percent
    women_target_percent: Percent

    @model_validator(mode="after")
    def _sub_targets(self) -> Mse:
        if self.sc_st_target_percent + self.women_target_percent > self.annual_target_percent:
            raise ValueError("the SC/ST and women sub-targets exceed the MSE target")
        return self


class Mii(SectionVersion):
    title = "Preference to Make in India"
    rules = ("MII-1", "MII-2")

    class_i_min_local_content_percent: Percent  # MII-1: Class-I ≥ this
    # MII-1: Class-II > this and < Class-I; absent when the order knew no Class-II.
    class_ii_above_local_content_percent: Percent | None = None
    purchase_preference_margin_percent: Percent
    divisible_l1_share_percent: Percent  # MII-2

    @model_validator(mode="after")
    def _classes(self) -> Mii:
        lower = self.class_ii_above_local_content_percent
        if lower is not None and lower >= self.class_i_min_local_content_percent:
            raise ValueError("class_ii_above_local_content_percent must be below Class-I")
        return self


class Preferences(SectionVersion):
    title = "MSE and Make in India preferences together"
    rules = ("PREF-1",)

    # PREF-1 (iii), divisible items: the MSE share first, then Class-I topped up
    # to this share of the whole (provisional: the sources do not settle it).
    divisible_split: Literal["mse_first_then_class_i_top_up"]
    class_i_total_share_percent: Percent
    # MSE-1, MII-2, PREF-1: the hours an invited seller has to match L1 (no
    # answer by then is a decline). Provisional: the sources give no period.
    match_response_hours: Positive = 48


class ReverseAuction(SectionVersion):
    title = "Reverse auction"
    rules = ("RA-1", "RA-2", "RA-3")

    qualification_rule: Literal["lowest_percent", "h1_elimination"]  # RA-1
    qualification_lowest_percent: Percent
    qualification_min_bidders: Positive
    min_decrement_percent: Percent  # RA-2, of the start price
    duration_minutes: Positive  # RA-3
    extension_window_minutes: Positive
    extension_minutes: Positive
    max_total_extension_minutes: Count


class BuyerRatingWeights(_Strict):
    bid_closure_percent: Percent
    order_placement_percent: Percent
    crac_percent: Percent
    payment_percent: Percent

    @model_validator(mode="after")
    def _whole(self) -> BuyerRatingWeights:
        total = (
            self.bid_closure_percent
            + self.order_placement_percent
            + self.crac_percent
            + self.payment_percent
        )
        if total != 100:
            raise ValueError(f"buyer rating weights add up to {total}%, not 100%")
        return self


class SellerRatingWeights(_Strict):
    """ORD-9 names the seller's rating components but not their weights: the
    policy file gives them (provisional) and they must make 100%."""

    reliability_percent: Percent
    delivery_quality_percent: Percent
    timeliness_percent: Percent
    catalogue_percent: Percent
    incidents_percent: Percent

    @model_validator(mode="after")
    def _whole(self) -> SellerRatingWeights:
        total = (
            self.reliability_percent
            + self.delivery_quality_percent
            + self.timeliness_percent
            + self.catalogue_percent
            + self.incidents_percent
        )
        if total != 100:
            raise ValueError(f"seller rating weights add up to {total}%, not 100%")
        return self


class Orders(SectionVersion):
    title = "Orders, delivery and payment"
    rules = ("ORD-3", "ORD-4", "ORD-5", "ORD-6", "ORD-7", "ORD-9")

    seller_acceptance_working_days: Positive  # ORD-3
    ld_percent_per_week: Percent  # ORD-4
    ld_cap_percent: Percent
    crac_days_after_prc: Positive  # ORD-5
    auto_crac_direct_purchase_max_paise: Paise
    auto_crac_days: Positive
    rejection_days_after_receipt: Positive  # ORD-6
    replacement_days: Positive
    payment_days_after_crac: Positive  # ORD-7
    late_payment_interest_percent_per_month: Percent
    interest_days_per_month: Positive
    buyer_rating_weights: BuyerRatingWeights  # ORD-9
    # ORD-9 (provisional: the sources give no seller weights nor these numbers).
    seller_rating_weights: SellerRatingWeights
    rating_window_days: Positive  # events of the last N days count
    rating_minimum_orders: Positive  # below this, "not enough data"
    rating_incident_deduction_percent: Percent  # per incident decided against a firm
    order_placement_days: Positive  # a purchase decision is ordered within N days


class Revenue(SectionVersion):
    title = "Transaction charges"
    rules = ("ORD-8",)

    transaction_charge_free_up_to_paise: Paise  # inclusive
    transaction_charge_percent: Percent  # of the whole order value
    transaction_charge_cap_paise: Paise


IncidentAction = Literal["warning", "suspension", "catalogue_removal", "debarment"]


class IncidentActions(_Strict):
    """INC-2: the default action for each severity."""

    mild: IncidentAction
    serious: IncidentAction
    severe: IncidentAction
    grave: IncidentAction


class Incidents(SectionVersion):
    title = "Incidents"
    rules = ("INC-1", "INC-2")

    response_days: Positive  # INC-1
    show_cause_reply_days: Positive
    suspension_days_default: Positive  # INC-2
    severity_actions: IncidentActions
    appeal_days: Positive  # INC-2 (provisional): the one appeal's window
    # ORD-3 silence "counts against the seller": this many auto-cancelled
    # orders within the window raise a system incident (provisional).
    auto_cancel_incident_threshold: Positive
    auto_cancel_window_days: Positive


class Catalogue(SectionVersion):
    title = "Catalogue price reasonableness"
    rules = ("CAT-4",)

    # CAT-4: an offer priced more than this above its reference price is flagged.
    price_flag_above_reference_percent: Percent
    # CAT-4: transaction prices older than this many days are not "recent".
    reference_window_days: Positive


class Integrity(SectionVersion):
    """OPEN-4: the thresholds of the nightly integrity red flags. The sources
    name the red flags but give no numbers: every value is provisional."""

    title = "Integrity red flags"
    rules = ("OPEN-4",)

    # Each nightly run re-examines the processes of the last N days (older
    # flags stay as they were computed).
    lookback_days: Positive
    # A bid whose publication-to-end period is shorter than this is flagged
    # (BID-1's default minimum is 10 days).
    short_bid_period_days: Positive
    # The same buyer office placing more than N orders with the same seller
    # firm within the window.
    repeated_winner_max_orders: Positive
    repeated_winner_window_days: Positive
    # Different sellers quoting exactly the same price in one lot: this many or more.
    identical_price_min_sellers: Annotated[int, Field(ge=2)]
    # A buyer-side and a seller-side user signing in from the same IP within
    # N hours, when the office and the firm did business within the window.
    shared_ip_window_hours: Positive
    shared_ip_business_days: Positive
    # An order's unit price more than this above the median of the same
    # product's earlier orders in the window, with at least N of them.
    price_above_past_percent: Percent
    price_history_days: Positive
    price_history_min_orders: Positive


# File stem → section type; `Policy` has one attribute per entry.
SECTIONS: dict[str, type[SectionVersion]] = {
    "buying_modes": BuyingModes,
    "kyc": Kyc,
    "bids": Bids,
    "mse": Mse,
    "mii": Mii,
    "preferences": Preferences,
    "reverse_auction": ReverseAuction,
    "orders": Orders,
    "revenue": Revenue,
    "incidents": Incidents,
    "catalogue": Catalogue,
    "integrity": Integrity,  # OPEN-4
}
