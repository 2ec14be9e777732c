"""`kraya redflags compute`: compute the integrity red flags now (OPEN-4)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kraya.insights.redflags.compute import redflags_compute


class Command(BaseCommand):
    help = "Compute the integrity red flags (OPEN-4): `kraya redflags compute`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compute"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = redflags_compute()
        found = " ".join(f"{kind}={count}" for kind, count in sorted(report.found.items()))
        self.stdout.write(
            f"computed: {found} created={report.created} updated={report.updated} "
            f"removed={report.removed} seconds={report.seconds}"
        )
