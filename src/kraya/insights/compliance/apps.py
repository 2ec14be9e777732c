from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """OPEN-3: a sub-app of insights with its own label and migrations."""

    name = "kraya.insights.compliance"
    label = "insights_compliance"
    verbose_name = "Compliance dashboards"
