"""`kraya demo`: load the demo data (idempotent); `--print-logins` lists the
demo logins by role without touching the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kraya.accounts.models import Role
from kraya.demo import data
from kraya.demo.loader import load_demo


def logins_by_role() -> list[tuple[str, list[data.DemoLogin]]]:
    """The demo logins grouped by their roles, in the order of `Role`."""
    order = {role: index for index, role in enumerate(Role.values)}
    groups: dict[tuple[str, ...], list[data.DemoLogin]] = {}
    for login in data.DEMO_LOGINS:
        groups.setdefault(login.roles, []).append(login)
    ordered = sorted(groups.items(), key=lambda item: [order[role] for role in item[0]])
    return [(" + ".join(str(Role(r).label) for r in roles), logins) for roles, logins in ordered]


def format_logins() -> str:
    width = max(len(login.username) for login in data.DEMO_LOGINS) + 2
    lines = [f"Demo logins (the password for every one: {data.DEMO_PASSWORD})"]
    for label, logins in logins_by_role():
        lines.append(f"  {label}")
        lines.extend(f"    {login.username:<{width}}{login.where}" for login in logins)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the demo data (Uttar Pradesh departments, sellers, a catalogue) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only list the demo logins and their password.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even outside the embedded or debug mode (the password is public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            self.stdout.write(format_logins())
            return
        if not (settings.EMBEDDED or settings.DEBUG or options["allow_production"]):
            raise CommandError(
                "Refusing to load demo users with a published password into a production "
                "database. Use KRAYA_EMBEDDED=1 (script/server) or --allow-production."
            )
        report = load_demo()
        if report.total == 0:
            self.stdout.write("Demo data already loaded.")
            return
        parts = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {parts}."))
