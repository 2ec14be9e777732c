"""`kraya outbox_dispatch`: deliver every due outbox message once; with
`--every SECONDS` (or `--loop`, every second), keep delivering: a
dispatcher without Celery. See `kraya.core.outbox`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from kraya.core import outbox


class Command(BaseCommand):
    help = "Deliver due outbox messages (notifications, follow-up work)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat, resting SECONDS between rounds."
        )
        parser.add_argument("--loop", action="store_true", help="Repeat every second.")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"] or (1.0 if options["loop"] else 0)
        while True:
            close_old_connections()
            handled = outbox.dispatch_all()
            if handled or not every:
                self.stdout.write(f"handled={handled}")
            if not every:
                return
            time.sleep(every)
