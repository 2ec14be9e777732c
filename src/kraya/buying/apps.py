from django.apps import AppConfig


class BuyingConfig(AppConfig):
    name = "kraya.buying"

    def ready(self) -> None:
        # ORD-9: the buyers' order placement counts in their ratings (orders
        # may not import buying, so buying hands its counter over).
        from kraya.buying.ratings import order_placement_counts
        from kraya.orders.rules.ratings import ORDER_PLACEMENT
        from kraya.orders.services.ratings import rating_source_register

        rating_source_register(component=ORDER_PLACEMENT, source=order_placement_counts)
