"""`kraya audit verify` re-checks the hash chain (OPEN-5); `kraya audit head`
prints the latest seq and hash, the value to publish and compare."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kraya.core import audit


class Command(BaseCommand):
    help = "The audit log: verify the hash chain, or print its head."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("verify", help="Re-check every event; exit 1 at the first bad one.")
        commands.add_parser("head", help="Print the latest event's seq and hash.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            seq, head_hash = audit.head()
            self.stdout.write(f"seq {seq} hash {head_hash}")
            return
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"FAILED at event seq {result.first_bad_seq} "
                f"(action {result.first_bad_action!r}): {result.reason} "
                f"({result.checked} intact before it)",
                returncode=1,
            )
        self.stdout.write(f"OK: {result.checked} events, head {result.head_hash}")
