"""BID-1..4 and BID-6: the pure checks of a bid's life, from its
publication to the financial ranking.

- BID-1: `bid_duration_check` (end at least 10 days after publication),
  `offer_validity_check` (45–180 days);
- BID-2: `emd_percent_check` (2–5%, or none), `emd_due` (the amount and the
  exemptions), `eligibility_check` (turnover and experience, relaxed for MSEs
  and startups when the buyer enables it);
- BID-3: `corrigendum_end` (a corrigendum leaving under 7 days extends the end);
- BID-4: `less_competition_extension` (once, 7 days, when too few bids arrived);
- BID-6: `clarification_deadline`, `representation_check`, `financial_opening_check`.

BID-7, the financial ranking, is in `ranking`.

Times are aware date-times (stored UTC); receipts hold them as ISO strings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kraya.bids.rules.common import (
    MANUFACTURER,
    SERVICE_PROVIDER,
    BidError,
    Decision,
    ceil_paise,
    fraction,
    iso,
    percent_text,
    require_aware,
    require_count,
    require_paise,
)
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt

SECTION = "bids"

# BID-2: the EMD exemption categories, as the policy names them.
MSE_MANUFACTURER = "mse_manufacturer"
MSE_SERVICE_PROVIDER = "mse_service_provider"
STARTUP = "startup"


def _receipt(
    kind: str,
    rules: tuple[str, ...],
    policy: Policy,
    inputs: Mapping[str, Any],
    outcome: Mapping[str, Any],
    message: str,
    params: Mapping[str, Any],
) -> DecisionReceipt:
    return DecisionReceipt(
        kind=kind,
        rules=rules,
        policy=(policy.receipt(SECTION),),
        inputs=dict(inputs),
        outcome=dict(outcome),
        message=message,
        params=dict(params),
    )


def _yes_no(
    *, kind: str, rule: str, allowed: bool, code: str, ok: str, policy: Policy, **values: Any
) -> Decision:
    """A Decision whose receipt carries the same values as inputs and params."""
    code = "" if allowed else code
    receipt = _receipt(
        kind,
        (rule,),
        policy,
        values,
        {"allowed": allowed, "code": code},
        ok if allowed else code,
        values,
    )
    return Decision(allowed, rule, code, receipt)


# --- BID-1: dates and validity -------------------------------------------------------------


def bid_duration_check(
    *, published_at: dt.datetime, end_at: dt.datetime, policy: Policy
) -> Decision:
    """BID-1: the end time is at least `min_duration_days` (10) after publication."""
    require_aware(published_at, "published_at")
    require_aware(end_at, "end_at")
    days = policy.bids.min_duration_days
    earliest = published_at + dt.timedelta(days=days)
    return _yes_no(
        kind="bids.duration",
        rule="BID-1",
        allowed=end_at >= earliest,
        code="bids.duration_too_short",
        ok="bids.duration_ok",
        policy=policy,
        published_at=iso(published_at),
        end_at=iso(end_at),
        earliest_end_at=iso(earliest),
        min_days=days,
    )


def offer_validity_check(*, days: int, policy: Policy) -> Decision:
    """BID-1: the offer validity is 45–180 days, both inclusive."""
    require_count(days, "days")
    low, high = policy.bids.offer_validity_min_days, policy.bids.offer_validity_max_days
    return _yes_no(
        kind="bids.offer_validity",
        rule="BID-1",
        allowed=low <= days <= high,
        code="bids.offer_validity_out_of_range",
        ok="bids.offer_validity_ok",
        policy=policy,
        days=days,
        min_days=low,
        max_days=high,
    )


# --- BID-2: EMD and eligibility ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SellerProfile:
    """What BID-2 looks at: MSE status and category (KYC-3), DPIIT startup,
    turnover of the last financial years (paise, latest last), years of
    experience and past performance (% of the bid quantity supplied before)."""

    bidder_id: str
    is_mse: bool = False
    mse_category: str | None = None
    is_startup: bool = False
    turnover_paise_by_year: tuple[int, ...] = ()
    experience_years: int = 0
    past_performance_percent: Decimal = Decimal(0)

    def emd_exemption(self, policy: Policy) -> str:
        """BID-2: the exempt category this seller falls in, or blank."""
        categories = []
        if self.is_mse and self.mse_category == MANUFACTURER:
            categories.append(MSE_MANUFACTURER)
        if self.is_mse and self.mse_category == SERVICE_PROVIDER:
            categories.append(MSE_SERVICE_PROVIDER)
        if self.is_startup:
            categories.append(STARTUP)
        return next((c for c in categories if c in policy.bids.emd_exempt), "")

    @property
    def relaxable(self) -> bool:
        """BID-2: MSEs (manufacturers and service providers, KYC-3) and startups."""
        mse = self.is_mse and self.mse_category in (MANUFACTURER, SERVICE_PROVIDER)
        return mse or self.is_startup


def emd_percent_check(*, emd_percent: Decimal, policy: Policy) -> Decision:
    """BID-2: a bid asks for no EMD (0) or 2–5% of its estimated value."""
    fraction(emd_percent)
    low, high = policy.bids.emd_min_percent, policy.bids.emd_max_percent
    return _yes_no(
        kind="bids.emd_percent",
        rule="BID-2",
        allowed=emd_percent == 0 or low <= emd_percent <= high,
        code="bids.emd_percent_out_of_range",
        ok="bids.emd_percent_ok",
        policy=policy,
        emd_percent=percent_text(emd_percent),
        min_percent=percent_text(low),
        max_percent=percent_text(high),
    )


@dataclass(frozen=True, slots=True)
class EmdDue:
    """BID-2: the EMD a seller must pay (0 when exempt), and why."""

    amount_paise: int
    exemption: str
    receipt: DecisionReceipt


def emd_due(
    *, seller: SellerProfile, estimated_value_paise: int, emd_percent: Decimal, policy: Policy
) -> EmdDue:
    """BID-2: `emd_percent` of the estimated value, rounded up to whole paise;
    MSE manufacturers and service providers and startups pay none, always."""
    require_paise(estimated_value_paise, "estimated_value_paise")
    if not emd_percent_check(emd_percent=emd_percent, policy=policy).allowed:
        raise BidError("bids.emd_percent_out_of_range", "emd_percent", str(emd_percent))
    exemption = seller.emd_exemption(policy)
    amount = 0 if exemption else ceil_paise(estimated_value_paise, emd_percent)
    values = {
        "bidder_id": seller.bidder_id,
        "estimated_value_paise": estimated_value_paise,
        "emd_percent": percent_text(emd_percent),
    }
    receipt = _receipt(
        "bids.emd",
        ("BID-2",),
        policy,
        values,
        {"amount_paise": amount, "exemption": exemption},
        "bids.emd.exempt" if exemption else "bids.emd.due",
        {**values, "amount_paise": amount, "exemption": exemption},
    )
    return EmdDue(amount, exemption, receipt)


@dataclass(frozen=True, slots=True)
class EligibilityCriteria:
    """BID-1 eligibility set by the buyer; `relax_for_mse_and_startups` is the
    BID-2 switch exempting MSEs and startups from turnover and experience."""

    min_average_turnover_paise: int = 0
    min_experience_years: int = 0
    min_past_performance_percent: Decimal = Decimal(0)
    relax_for_mse_and_startups: bool = False


def average_turnover(turnover_paise_by_year: Sequence[int], years: int) -> Fraction:
    """BID-1: the average over the last `years` financial years (3); a year with
    no turnover given counts as zero, so a younger firm is not averaged over
    fewer years (its relief is BID-2's relaxation)."""
    for value in turnover_paise_by_year:
        require_paise(value, "turnover_paise_by_year")
    return Fraction(sum(list(turnover_paise_by_year)[-years:]), years)


def eligibility_check(
    *, seller: SellerProfile, criteria: EligibilityCriteria, policy: Policy
) -> Decision:
    """BID-1/BID-2: every criterion the seller misses, except turnover and
    experience for an MSE or a startup when the buyer enabled the relaxation."""
    require_paise(criteria.min_average_turnover_paise, "min_average_turnover_paise")
    require_count(criteria.min_experience_years, "min_experience_years")
    require_count(seller.experience_years, "experience_years")
    years = policy.bids.turnover_average_years
    average = average_turnover(seller.turnover_paise_by_year, years)
    relaxed = criteria.relax_for_mse_and_startups and seller.relaxable
    checks = {
        "turnover": average >= criteria.min_average_turnover_paise,
        "experience": seller.experience_years >= criteria.min_experience_years,
        "past_performance": seller.past_performance_percent
        >= criteria.min_past_performance_percent,
    }
    waived = sorted(c for c in ("turnover", "experience") if relaxed and not checks[c])
    missed = sorted(c for c, ok in checks.items() if not ok and c not in waived)
    allowed = not missed
    code = "" if allowed else "bids.not_eligible"
    rules = ("BID-1", "BID-2") if relaxed else ("BID-1",)
    receipt = _receipt(
        "bids.eligibility",
        rules,
        policy,
        {
            "bidder_id": seller.bidder_id,
            "turnover_paise_by_year": list(seller.turnover_paise_by_year),
            "experience_years": seller.experience_years,
            "past_performance_percent": percent_text(seller.past_performance_percent),
            "relaxable": seller.relaxable,
            "criteria": {
                "min_average_turnover_paise": criteria.min_average_turnover_paise,
                "min_experience_years": criteria.min_experience_years,
                "min_past_performance_percent": percent_text(criteria.min_past_performance_percent),
                "relax_for_mse_and_startups": criteria.relax_for_mse_and_startups,
            },
            "turnover_average_years": years,
        },
        {"allowed": allowed, "code": code, "missed": missed, "waived": waived},
        "bids.eligible" if allowed else code,
        {"bidder_id": seller.bidder_id, "missed": missed, "waived": waived},
    )
    return Decision(allowed, "BID-2" if waived else "BID-1", code, receipt)


# --- BID-3 and BID-4: end-time extensions ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class EndDecision:
    """A bid's end time after a corrigendum (BID-3) or at its end (BID-4);
    `extended` says whether the rule moved it."""

    end_at: dt.datetime
    extended: bool
    rule: str
    receipt: DecisionReceipt


def corrigendum_end(
    *, corrigendum_at: dt.datetime, proposed_end_at: dt.datetime, policy: Policy
) -> EndDecision:
    """BID-3: a corrigendum published at `corrigendum_at` keeps the proposed end
    if at least 7 days are left; otherwise the end moves to 7 days after it."""
    require_aware(corrigendum_at, "corrigendum_at")
    require_aware(proposed_end_at, "proposed_end_at")
    days = policy.bids.corrigendum_min_remaining_days
    earliest = corrigendum_at + dt.timedelta(days=days)
    extended = proposed_end_at < earliest
    end = earliest if extended else proposed_end_at
    values = {
        "corrigendum_at": iso(corrigendum_at),
        "proposed_end_at": iso(proposed_end_at),
        "min_remaining_days": days,
    }
    receipt = _receipt(
        "bids.corrigendum_end",
        ("BID-3",),
        policy,
        values,
        {"end_at": iso(end), "extended": extended},
        "bids.corrigendum.extended" if extended else "bids.corrigendum.kept",
        {**values, "end_at": iso(end)},
    )
    return EndDecision(end, extended, "BID-3", receipt)


def less_competition_extension(
    *,
    bids_received: int,
    end_at: dt.datetime,
    extensions_so_far: int,
    policy: Policy,
    min_bids: int | None = None,
) -> EndDecision:
    """BID-4: at the end time, fewer bids than the buyer's minimum (policy
    default 3) extend the bid once by 7 days, "extended due to less
    competition". The count is sealed until opening (BID-4), so it is in the
    receipt's inputs but never in its message parameters."""
    require_count(bids_received, "bids_received")
    require_count(extensions_so_far, "extensions_so_far")
    require_aware(end_at, "end_at")
    section = policy.bids
    minimum = section.min_bids_default if min_bids is None else min_bids
    require_count(minimum, "min_bids", minimum=1)
    extended = bids_received < minimum and extensions_so_far < section.auto_extensions_max
    end = end_at + dt.timedelta(days=section.auto_extension_days) if extended else end_at
    receipt = _receipt(
        "bids.less_competition",
        ("BID-4",),
        policy,
        {
            "bids_received": bids_received,
            "min_bids": minimum,
            "end_at": iso(end_at),
            "extensions_so_far": extensions_so_far,
        },
        {"end_at": iso(end), "extended": extended},
        "bids.extended_less_competition" if extended else "bids.closes",
        {"end_at": iso(end), "days": section.auto_extension_days if extended else 0},
    )
    return EndDecision(end, extended, "BID-4", receipt)


# --- BID-6: clarifications and representations ---------------------------------------------


def clarification_deadline(asked_at: dt.datetime, policy: Policy) -> dt.datetime:
    """BID-6: a clarification sought at `asked_at` is due 3 days later."""
    require_aware(asked_at, "asked_at")
    return asked_at + dt.timedelta(days=policy.bids.clarification_days)


def representation_deadline(rejected_at: dt.datetime, policy: Policy) -> dt.datetime:
    """BID-6: the last moment (inclusive) a rejected bidder may file."""
    require_aware(rejected_at, "rejected_at")
    return rejected_at + dt.timedelta(hours=policy.bids.representation_hours)


def representation_check(
    *, rejected_at: dt.datetime, filed_at: dt.datetime, already_filed: int, policy: Policy
) -> Decision:
    """BID-6: a technically rejected bidder may file one representation within
    48 hours of the rejection (exactly 48 hours is still in time)."""
    require_aware(filed_at, "filed_at")
    require_count(already_filed, "already_filed")
    deadline = representation_deadline(rejected_at, policy)
    if already_filed >= policy.bids.representations_max:
        code = "bids.representation_already_filed"
    elif filed_at < rejected_at:
        code = "bids.representation_before_rejection"
    elif filed_at > deadline:
        code = "bids.representation_late"
    else:
        code = ""
    return _yes_no(
        kind="bids.representation",
        rule="BID-6",
        allowed=not code,
        code=code,
        ok="bids.representation_ok",
        policy=policy,
        rejected_at=iso(rejected_at),
        filed_at=iso(filed_at),
        deadline=iso(deadline),
        already_filed=already_filed,
        max_representations=policy.bids.representations_max,
    )


@dataclass(frozen=True, slots=True)
class Rejection:
    """A technically rejected bidder, for the BID-6 check before financial opening."""

    bidder_id: str
    rejected_at: dt.datetime
    representation_filed: bool = False
    representation_answered: bool = False


def financial_opening_check(
    *, at: dt.datetime, rejections: Iterable[Rejection], policy: Policy
) -> Decision:
    """BID-6: financial bids open only when every representation filed has been
    answered and no rejected bidder is still inside its 48-hour window."""
    require_aware(at, "at")
    listed = sorted(rejections, key=lambda rejection: rejection.bidder_id)
    pending = [
        r.bidder_id for r in listed if r.representation_filed and not r.representation_answered
    ]
    window_open = [
        r.bidder_id
        for r in listed
        if not r.representation_filed and at <= representation_deadline(r.rejected_at, policy)
    ]
    code = (
        "bids.representation_pending"
        if pending
        else "bids.representation_window_open"
        if window_open
        else ""
    )
    values = {"at": iso(at), "pending": pending, "window_open": window_open}
    receipt = _receipt(
        "bids.financial_opening",
        ("BID-6",),
        policy,
        {
            "at": iso(at),
            "rejections": [
                {
                    "bidder_id": r.bidder_id,
                    "rejected_at": iso(r.rejected_at),
                    "representation_filed": r.representation_filed,
                    "representation_answered": r.representation_answered,
                }
                for r in listed
            ],
        },
        {"allowed": not code, "code": code, "pending": pending, "window_open": window_open},
        code or "bids.financial_opening_ok",
        values,
    )
    return Decision(not code, "BID-6", code, receipt)
