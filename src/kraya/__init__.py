"""Kraya (क्रय): an open-source Government e-Marketplace."""

from kraya.celery import app as celery_app

__all__ = ["celery_app"]
