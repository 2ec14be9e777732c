"""`kraya ledger check`: reconcile every order's ledger with its payments
(ORD-7): each transaction balances, and value = paid + deductions +
outstanding. Exits with status 1 and lists the mismatches when any is found."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kraya.orders.services.ledger import ledger_check


class Command(BaseCommand):
    help = "Check the orders' double-entry ledger: `kraya ledger check [--order ID ...]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--order", type=int, action="append", help="Only this order id.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check(order_ids=options["order"])
        for line in report.mismatches[:100]:
            self.stdout.write(line)
        self.stdout.write(
            f"orders={report.orders} transactions={report.transactions} "
            f"mismatches={len(report.mismatches)}"
        )
        if not report.ok:
            raise CommandError(f"{len(report.mismatches)} ledger mismatches")
