"""`kraya seed --offers N [--seed S] [--categories K] [--reset]`: synthetic
national-scale catalogue data for demonstrations and benchmarks (issue 4)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kraya.catalog.synthetic import loader
from kraya.insights import synthetic as order_history


class Command(BaseCommand):
    help = (
        "Build a synthetic catalogue (categories with specifications, sellers across the "
        "states and segments, brands, products and offers) by bulk loading, then rebuild "
        "the search index. Synthetic rows are marked; --reset removes only them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--offers", type=int, default=0, help="How many offers (e.g. 1500000).")
        parser.add_argument(
            "--orders",
            type=int,
            default=0,
            help="Add N orders of history (issue 8; seeds a catalogue first when none).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--categories",
            type=int,
            default=None,
            help="How many leaf categories (default: one per 500 offers, 3,000 at 1.5 million).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove earlier synthetic data first (real data is never touched).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even outside the embedded or debug mode.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.EMBEDDED or settings.DEBUG or options["allow_production"]):
            raise CommandError(
                "Refusing to add synthetic sellers and offers to a production database. "
                "Use KRAYA_EMBEDDED=1 or --allow-production."
            )
        offers: int = options["offers"]
        if options["orders"]:
            self._orders(options["orders"], options["seed"])
            if offers == 0:
                return
        if offers < 0 or (offers == 0 and not options["reset"]):
            raise CommandError("Say how many offers: --offers N (N ≥ 1), or --reset alone.")
        say = self.stdout.write
        try:
            if options["reset"]:
                started = time.perf_counter()
                say("Removing synthetic data…")
                counts = loader.reset(say=say)
                parts = ", ".join(f"{count:,} {name}" for name, count in counts.items())
                say(f"Removed {parts} in {time.perf_counter() - started:.1f} s.")
            if offers == 0:
                return
            say(f"Seeding {offers:,} offers (seed {options['seed']})…")
            report = loader.seed_catalogue(
                offers=offers, seed=options["seed"], categories=options["categories"], say=say
            )
        except loader.SeedRefused as refused:
            raise CommandError(str(refused)) from refused
        if report.already_seeded:
            say("Synthetic data from this seed is already loaded; nothing to do.")
            return
        summary = ", ".join(f"{count:,} {name}" for name, count in report.counts.items())
        say(self.style.SUCCESS(f"Seeded in {report.seconds:.1f} s: {summary}."))

    def _orders(self, orders: int, seed: int) -> None:
        say = self.stdout.write
        say(f"Seeding {orders:,} orders of history (seed {seed})…")
        try:
            report = order_history.seed_orders(orders=orders, seed=seed, say=say)
        except (order_history.SeedRefused, loader.SeedRefused) as refused:
            raise CommandError(str(refused)) from refused
        if report.already_seeded:
            say("That many synthetic orders are already loaded; nothing to do.")
            return
        say(
            self.style.SUCCESS(
                f"Seeded {report.counts.get('orders', 0):,} orders in {report.seconds:.1f} s "
                f"({report.rows_per_s:,.0f} orders/s overall). "
                "Run `kraya insights refresh --full` to roll them up."
            )
        )
