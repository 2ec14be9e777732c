"""`kraya bids_tick`: run the bid clock once (for cron and for people); with
`--every SECONDS`, keep running it (a scheduler without Celery beat)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kraya.bids.services.clock import bids_tick


class Command(BaseCommand):
    help = "Run the bid clock: ends, BID-4 extensions, openings, auctions, preferences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat every SECONDS (default: once)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            counts = bids_tick()
            self.stdout.write(" ".join(f"{name}={value}" for name, value in counts.items()))
            if not options["every"]:
                return
            time.sleep(options["every"])
