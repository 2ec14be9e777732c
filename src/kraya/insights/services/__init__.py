"""Services of the insights app: the rollups' refresh (`refresh`)."""

from kraya.insights.services.refresh import RefreshReport, insights_refresh

__all__ = ["RefreshReport", "insights_refresh"]
