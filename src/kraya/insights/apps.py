from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kraya.insights"
    verbose_name = "Insights"
