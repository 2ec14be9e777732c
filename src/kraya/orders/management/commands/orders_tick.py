"""`kraya orders_tick`: run the orders' clock once (for cron and for people);
with `--every SECONDS`, keep running it (a scheduler without Celery beat).
The environment variable KRAYA_FAULT_SLEEP_IN_TICK=<seconds> (a test hook for
the fault test) makes each order's step sleep inside its transaction, so a
test can kill the process mid-step."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kraya.orders.services.clock import orders_tick


class Command(BaseCommand):
    help = (
        "Run the orders' clock: auto-cancellation, deemed and automatic CRAC, "
        "lapsed replacements, interest, reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat every SECONDS (default: once)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            counts = orders_tick()
            self.stdout.write(" ".join(f"{name}={value}" for name, value in counts.items()))
            self.stdout.flush()
            if not options["every"]:
                return
            time.sleep(options["every"])
