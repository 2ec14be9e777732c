"""The pure bid rules (DOMAIN §6 BID-1..7, §7 MSE-1..3, MII-1..3, PREF-1,
§8 RA-1..4): plain values and a `Policy` in, decisions out, each carrying the
rule id that decided, a stable code when refused and a `DecisionReceipt` to
store. No Django here.

- `common`: `BidError`, `Decision`, `Quote`, seller categories, MII classes,
  exact percentages, the BID-7 seeded ranking;
- `offers`: the offers and allocations, MII-1 `mii_class_of`, MII-3
  `mii_reservation`, MSE-1 `proportional_shares`;
- `preferences`: MSE-1..3, MII-2..3, PREF-1 `purchase_preference`;
- `auction`: RA-1 `ra_qualification`, RA-2 `ra_bid_check`, RA-3
  `ra_extended_end`, RA-4 `ra_open`/`ra_apply`/`ra_replay`;
- `lifecycle`: BID-1..4, BID-6 checks;
- `ranking`: BID-7 `financial_ranking`, `replay_financial_ranking`;
- `explain`: the English wording of every receipt."""

from kraya.bids.rules.auction import (
    AuctionBid,
    AuctionResult,
    AuctionState,
    Qualification,
    Standing,
    min_decrement_paise,
    ra_apply,
    ra_bid_check,
    ra_extended_end,
    ra_open,
    ra_qualification,
    ra_replay,
    ra_scheduled_end,
)
from kraya.bids.rules.common import (
    CLASS_1,
    CLASS_2,
    MANUFACTURER,
    MII_CLASSES,
    MSE_CATEGORIES,
    NON_LOCAL,
    SERVICE_PROVIDER,
    TRADER,
    BidError,
    Decision,
    Quote,
    within_margin,
)
from kraya.bids.rules.explain import explain, explain_steps
from kraya.bids.rules.lifecycle import (
    EligibilityCriteria,
    EmdDue,
    EndDecision,
    Rejection,
    SellerProfile,
    average_turnover,
    bid_duration_check,
    clarification_deadline,
    corrigendum_end,
    eligibility_check,
    emd_due,
    emd_percent_check,
    financial_opening_check,
    less_competition_extension,
    offer_validity_check,
    representation_check,
    representation_deadline,
)
from kraya.bids.rules.offers import (
    Allocation,
    FinancialOffer,
    PreferenceDecision,
    mii_class_of,
    mii_reservation,
    proportional_shares,
)
from kraya.bids.rules.preferences import purchase_preference
from kraya.bids.rules.ranking import (
    FinancialRanking,
    ReplayMismatch,
    financial_ranking,
    replay_financial_ranking,
)

__all__ = [
    "CLASS_1",
    "CLASS_2",
    "MANUFACTURER",
    "MII_CLASSES",
    "MSE_CATEGORIES",
    "NON_LOCAL",
    "SERVICE_PROVIDER",
    "TRADER",
    "Allocation",
    "AuctionBid",
    "AuctionResult",
    "AuctionState",
    "BidError",
    "Decision",
    "EligibilityCriteria",
    "EmdDue",
    "EndDecision",
    "FinancialOffer",
    "FinancialRanking",
    "PreferenceDecision",
    "Qualification",
    "Quote",
    "Rejection",
    "ReplayMismatch",
    "SellerProfile",
    "Standing",
    "average_turnover",
    "bid_duration_check",
    "clarification_deadline",
    "corrigendum_end",
    "eligibility_check",
    "emd_due",
    "emd_percent_check",
    "explain",
    "explain_steps",
    "financial_opening_check",
    "financial_ranking",
    "less_competition_extension",
    "mii_class_of",
    "mii_reservation",
    "min_decrement_paise",
    "offer_validity_check",
    "proportional_shares",
    "purchase_preference",
    "ra_apply",
    "ra_bid_check",
    "ra_extended_end",
    "ra_open",
    "ra_qualification",
    "ra_replay",
    "ra_scheduled_end",
    "replay_financial_ranking",
    "representation_check",
    "representation_deadline",
    "within_margin",
]
