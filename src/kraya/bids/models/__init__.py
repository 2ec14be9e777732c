"""Bids (DOMAIN §6 BID-1..8, §7, §8): the bid and its lots and items, its
corrigenda, the sealed submissions, technical evaluation, the financial
ranking, purchase-preference invitations, reverse auctions with their bid log,
and the award that hands over to the orders app.

- `bid`: `Bid`, `BidLot`, `BidItem`, `Corrigendum`, `BidKeys` (the sealing keys);
- `submission`: `Submission`, `SubmissionDocument` (sealed until opening, BID-5);
- `evaluation`: `TechnicalEvaluation`, `Clarification`, `Representation` (BID-6),
  `MatchInvitation` (MSE-1, MII-2, PREF-1), `Award` (BID-8);
- `auction`: `Auction`, `AuctionEntry`, `AuctionBid` (RA-1..4)."""

from kraya.bids.models.auction import Auction, AuctionBid, AuctionEntry
from kraya.bids.models.bid import Bid, BidItem, BidKeys, BidLot, Corrigendum
from kraya.bids.models.evaluation import (
    Award,
    Clarification,
    MatchInvitation,
    Representation,
    TechnicalEvaluation,
)
from kraya.bids.models.submission import Submission, SubmissionDocument

__all__ = [
    "Auction",
    "AuctionBid",
    "AuctionEntry",
    "Award",
    "Bid",
    "BidItem",
    "BidKeys",
    "BidLot",
    "Clarification",
    "Corrigendum",
    "MatchInvitation",
    "Representation",
    "Submission",
    "SubmissionDocument",
    "TechnicalEvaluation",
]
