from django.apps import AppConfig


class RedFlagsConfig(AppConfig):
    """OPEN-4's red flags: a sub-app of insights with its own label and
    migrations, so it evolves apart from the statistics rollups."""

    name = "kraya.insights.redflags"
    label = "insights_redflags"
    verbose_name = "Integrity red flags"
