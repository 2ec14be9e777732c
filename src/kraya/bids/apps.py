from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "kraya.bids"

    def ready(self) -> None:
        # ORD-9: the buyers' bid closure counts in their ratings (orders may
        # not import bids, so bids hands its counter over).
        from kraya.bids.selectors.ratings import bid_closure_counts
        from kraya.orders.rules.ratings import BID_CLOSURE
        from kraya.orders.services.ratings import rating_source_register

        rating_source_register(component=BID_CLOSURE, source=bid_closure_counts)
