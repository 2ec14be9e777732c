"""The evaluation part of the bids API (see `kraya.bids.api`)."""

from ninja import Router

router = Router(tags=["bids"])
