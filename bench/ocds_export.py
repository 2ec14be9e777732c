"""ocds_export: how fast `kraya ocds export` streams OCDS releases (OPEN-1,
target ≥ 5,000 releases/s), at a stated scale.

Makes sure the database holds at least `--releases` releases (default
200,000): the real publisher's releases of whatever is there, topped up
with synthetic copies of a real release made by the real builders from the
first published one (each copy its own ocid and id, stored under source
seqs from 10^15 up, which the feed never serves; removed afterwards unless
`--keep`). Then streams every release through `releases_export` (server-side
cursor, gzip JSON lines) into a temporary file and reports releases/s.

The dashboards benchmark calls `measure_export()` on its own database (10
million orders) after publishing. Last line: one JSON object with
`ocds_releases_per_s`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import report, setup_django

SYNTHETIC_FROM = 10**15


def measure_export(*, chunk_size: int = 2000) -> dict[str, Any]:
    """Export every stored release to a temporary gzip file; the figures."""
    from kraya.opendata.models import Release
    from kraya.opendata.services import releases_export

    count = Release.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "releases.jsonl.gz"
        with path.open("wb") as sink:
            result = releases_export(sink=sink, chunk_size=chunk_size)
        size = path.stat().st_size
    return {
        "ocds_releases": result.releases,
        "ocds_releases_stored": count,
        "ocds_export_seconds": round(result.seconds, 3),
        "ocds_releases_per_s": round(result.releases_per_s, 1),
        "ocds_export_bytes": size,
    }


def _template() -> Any:
    """A real release to copy: the first published one, after publishing
    what the audit log holds; else one made by the services (a direct
    purchase paid through the demo world, if the database has one)."""
    from kraya.opendata.models import Release
    from kraya.opendata.services import releases_publish

    releases_publish()
    release = Release.objects.filter(source_seq__lt=SYNTHETIC_FROM).order_by("-source_seq").first()
    if release is None:
        from django.core.management import call_command

        print("no release yet: loading the demo data to publish from", file=sys.stderr)
        call_command("demo", verbosity=0)
        releases_publish()
        release = (
            Release.objects.filter(source_seq__lt=SYNTHETIC_FROM).order_by("-source_seq").first()
        )
    if release is None:
        raise SystemExit("no release to copy: place an order or publish a bid, then run again")
    return release


def top_up(target: int, batch: int = 5000) -> int:
    """Add synthetic copies of a real release until `target` are stored."""
    from django.db import transaction

    from kraya.opendata import ocds
    from kraya.opendata.models import Release

    missing = target - Release.objects.count()
    if missing <= 0:
        return 0
    template = _template()
    body = ocds.loads(template.data)
    start = (
        Release.objects.filter(source_seq__gte=SYNTHETIC_FROM)
        .order_by("-source_seq")
        .values_list("source_seq", flat=True)
        .first()
        or SYNTHETIC_FROM - 1
    ) + 1
    quoted_id, quoted_ocid = f'"{body["id"]}"', f'"{body["ocid"]}"'
    made = 0
    while made < missing:
        rows = []
        for seq in range(start + made, start + min(missing, made + batch)):
            ocid = f"{body['ocid']}-bench{seq - SYNTHETIC_FROM}"
            # The template's text with its ocid (also the start of its id)
            # replaced: a copy of the same size, without re-encoding.
            data = template.data.replace(quoted_id, f'"{ocid}-{seq}"').replace(
                quoted_ocid, f'"{ocid}"'
            )
            rows.append(
                Release(
                    source_seq=seq,
                    ocid=ocid,
                    release_id=f"{ocid}-{seq}",
                    date=template.date,
                    tags=template.tags,
                    data=data,
                )
            )
        with transaction.atomic():
            Release.objects.bulk_create(rows)
        made += len(rows)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=200_000)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="Keep the synthetic releases.")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from kraya.opendata.models import Release

    started = time.perf_counter()
    added = top_up(args.releases)
    print(
        f"releases: {Release.objects.count():,} ({added:,} synthetic added in "
        f"{time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    try:
        figures = measure_export(chunk_size=args.chunk_size)
    finally:
        if not args.keep:
            Release.objects.filter(source_seq__gte=SYNTHETIC_FROM).delete()
    print(
        f"exported {figures['ocds_releases']:,} releases in {figures['ocds_export_seconds']} s: "
        f"{figures['ocds_releases_per_s']:,.0f} releases/s, "
        f"{figures['ocds_export_bytes']:,} bytes gzip",
        file=sys.stderr,
    )
    report(
        "ocds_export",
        {
            "database": connection.vendor,
            "cpus": os.cpu_count(),
            **figures,
            "target_releases_per_s": 5000,
        },
    )


if __name__ == "__main__":
    main()
