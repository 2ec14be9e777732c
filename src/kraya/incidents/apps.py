from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "kraya.incidents"

    def ready(self) -> None:
        from kraya.incidents import notices  # noqa: F401 (registers the texts)

        # ORD-9: incidents decided against a seller count in its rating.
        from kraya.incidents.ratings import decided_against_counts
        from kraya.orders.services.ratings import incident_source_register

        incident_source_register(source=decided_against_counts)
