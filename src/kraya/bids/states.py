"""The bid's state machine (DESIGN: one transition table per machine): the
states, the events that move a bid, and which event leads where. Pure: the
one place that applies a transition under the bid's row lock and audits it is
`kraya.bids.services.transitions.bid_transition`.

    DRAFT --publish--> PUBLISHED --close--> TECHNICAL_EVALUATION
    TECHNICAL_EVALUATION --open_financial--> FINANCIAL_EVALUATION
    FINANCIAL_EVALUATION --start_auction--> REVERSE_AUCTION --close_auction--> MATCHING
    FINANCIAL_EVALUATION --invite--> MATCHING --settle--> AWARD_PENDING
    AWARD_PENDING --award--> AWARDED
    any state before AWARDED --cancel--> CANCELLED  (BID-8, with a published reason)

`close` happens at the end time when enough bids arrived; with too few, the
end moves once (BID-4, `extend`, PUBLISHED to PUBLISHED) and the bid closes
at the new end whatever it received. `amend` (a corrigendum, BID-3) keeps a
published bid published."""

from __future__ import annotations

from typing import Final

DRAFT: Final = "DRAFT"
PUBLISHED: Final = "PUBLISHED"
TECHNICAL_EVALUATION: Final = "TECHNICAL_EVALUATION"
FINANCIAL_EVALUATION: Final = "FINANCIAL_EVALUATION"
REVERSE_AUCTION: Final = "REVERSE_AUCTION"
MATCHING: Final = "MATCHING"
AWARD_PENDING: Final = "AWARD_PENDING"
AWARDED: Final = "AWARDED"
CANCELLED: Final = "CANCELLED"

STATES: Final = (
    DRAFT,
    PUBLISHED,
    TECHNICAL_EVALUATION,
    FINANCIAL_EVALUATION,
    REVERSE_AUCTION,
    MATCHING,
    AWARD_PENDING,
    AWARDED,
    CANCELLED,
)

# Events.
PUBLISH: Final = "publish"
AMEND: Final = "amend"
EXTEND: Final = "extend"
CLOSE: Final = "close"
OPEN_FINANCIAL: Final = "open_financial"
START_AUCTION: Final = "start_auction"
CLOSE_AUCTION: Final = "close_auction"
INVITE: Final = "invite"
SETTLE: Final = "settle"
AWARD: Final = "award"
CANCEL: Final = "cancel"

TRANSITIONS: Final[dict[tuple[str, str], str]] = {
    (DRAFT, PUBLISH): PUBLISHED,
    (PUBLISHED, AMEND): PUBLISHED,
    (PUBLISHED, EXTEND): PUBLISHED,
    (PUBLISHED, CLOSE): TECHNICAL_EVALUATION,
    (TECHNICAL_EVALUATION, OPEN_FINANCIAL): FINANCIAL_EVALUATION,
    (FINANCIAL_EVALUATION, START_AUCTION): REVERSE_AUCTION,
    (FINANCIAL_EVALUATION, INVITE): MATCHING,
    (REVERSE_AUCTION, CLOSE_AUCTION): MATCHING,
    (MATCHING, SETTLE): AWARD_PENDING,
    (AWARD_PENDING, AWARD): AWARDED,
    **{(state, CANCEL): CANCELLED for state in STATES if state not in (AWARDED, CANCELLED)},
}

# Before the technical opening nothing of a submission may be read (BID-5);
# before the financial opening no price may be read.
SEALED_TECHNICAL: Final = frozenset({DRAFT, PUBLISHED})
SEALED_FINANCIAL: Final = frozenset({DRAFT, PUBLISHED, TECHNICAL_EVALUATION})


def next_state(state: str, event: str) -> str | None:
    """Where `event` takes a bid in `state`, or None when it may not happen."""
    return TRANSITIONS.get((state, event))
