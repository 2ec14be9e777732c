"""The bids API under `/api/v1/bids/` (DOMAIN §6–8). One router per area:

- `publication`: bids, lots and items, corrigenda, cancellation, the bid document;
- `participation`: a seller's sealed submission, revise, withdraw;
- `evaluation`: technical evaluation, clarifications, representations,
  financial opening and ranking, invitations to match L1, award;
- `auction`: reverse auctions, bids, own rank, the log after close.

Authorization follows the project rule: 401 without credentials; 404 for a
bid the caller may not see (`kraya.bids.selectors.may_see_bid`); 403 when
they see it but lack the role; 422 with field messages for bad input; 409
when the bid's state or the clock refuses the step. Nothing of a submission
is returned to anyone but its own seller before its opening (BID-5), and
the number of submissions is never returned before the technical opening (BID-4)."""

from ninja import Router

from kraya.bids.api import auction, evaluation, participation, publication

router = Router(tags=["bids"])
router.add_router("", publication.router)
router.add_router("", participation.router)
router.add_router("", evaluation.router)
router.add_router("", auction.router)
