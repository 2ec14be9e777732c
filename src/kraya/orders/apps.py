from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "kraya.orders"
    label = "orders"

    def ready(self) -> None:
        # The texts of the orders' notifications (`kraya.notifications`).
        from kraya.orders import messages  # noqa: F401
