"""`kraya ratings_refresh`: recompute every seller firm's and buyer office's
rating now (ORD-9; Celery beat runs it hourly as `kraya.orders.ratings_refresh`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from kraya.orders.services.ratings import ratings_refresh


class Command(BaseCommand):
    help = "Recompute the seller and buyer ratings (ORD-9) from the orders' events."

    def handle(self, *args: Any, **options: Any) -> None:
        result = ratings_refresh()
        self.stdout.write(" ".join(f"{name}={value}" for name, value in asdict(result).items()))
