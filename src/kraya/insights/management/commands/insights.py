"""`kraya insights refresh [--full]`: bring the statistics rollups up to date
from the orders changed since the last refresh, or rebuild them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kraya.insights.services import insights_refresh


class Command(BaseCommand):
    help = "Refresh the public statistics' rollups: `kraya insights refresh [--full]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument(
            "--full", action="store_true", help="Rebuild every rollup from all orders."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = insights_refresh(full=options["full"])
        kind = "rebuilt" if report.full else "refreshed"
        self.stdout.write(
            f"{kind}: orders_read={report.orders_read} facts={report.facts} "
            f"batches={report.batches} seconds={report.seconds}"
        )
