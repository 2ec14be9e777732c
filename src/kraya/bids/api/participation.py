"""The participation part of the bids API (see `kraya.bids.api`)."""

from ninja import Router

router = Router(tags=["bids"])
