"""The bid pages, one module per area; each module lists its own
`urlpatterns` (names in the `bids` namespace), gathered in `kraya.bids.urls`."""
