"""`kraya compliance refresh`: rebuild the payment-delay rollup (OPEN-3)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kraya.insights.compliance.services import compliance_refresh


class Command(BaseCommand):
    help = "Rebuild the compliance dashboards' payment rollup: `kraya compliance refresh`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = compliance_refresh()
        self.stdout.write(f"refreshed: rows={report.rows} seconds={report.seconds}")
