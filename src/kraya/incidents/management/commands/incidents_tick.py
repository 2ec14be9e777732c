"""`kraya incidents_tick`: run the incident clock once (INC-1 escalations,
show-cause lapses, INC-2 bar ends)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kraya.incidents.services.clock import incidents_tick


class Command(BaseCommand):
    help = "Run the incident clock: escalations (INC-1), show-cause lapses, bar ends (INC-2)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = incidents_tick()
        self.stdout.write(" ".join(f"{name}={value}" for name, value in counts.items()))
