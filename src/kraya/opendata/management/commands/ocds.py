"""`kraya ocds publish` runs the OCDS publisher once (OPEN-1); `kraya ocds
export [--output FILE.jsonl.gz]` streams every release as gzip JSON lines
(to standard output without --output)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kraya.opendata.services import releases_export, releases_publish


class Command(BaseCommand):
    help = "OCDS open data: publish (audit log -> releases), export (gzip JSON lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        publish = commands.add_parser("publish", help="Publish the releases of new audit events.")
        publish.add_argument("--batch-size", type=int, default=500)
        export = commands.add_parser("export", help="Every release as gzip JSON lines.")
        export.add_argument(
            "--output", type=Path, help="File to write (FILE.jsonl.gz); default standard output."
        )
        export.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "publish":
            result = releases_publish(batch_size=options["batch_size"])
            self.stdout.write(f"published {result.releases} releases, watermark {result.watermark}")
            return
        output: Path | None = options["output"]
        if output is None:
            exported = releases_export(sink=sys.stdout.buffer, chunk_size=options["chunk_size"])
        else:
            partial = output.with_name(output.name + ".partial")
            with partial.open("wb") as sink:
                exported = releases_export(sink=sink, chunk_size=options["chunk_size"])
            partial.replace(output)  # a reader never sees half a file
        self.stderr.write(
            f"exported {exported.releases} releases in {exported.seconds:.2f} s "
            f"({exported.releases_per_s:,.0f}/s, {exported.bytes_written:,} bytes)"
        )
