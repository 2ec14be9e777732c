from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kraya.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Registers the outbox handler `notifications.deliver`.
        from kraya.notifications import services  # noqa: F401
