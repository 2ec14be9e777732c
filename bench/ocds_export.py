"""ocds_export: how fast `kraya ocds export` streams the stored OCDS releases
(OPEN-1, issue 8: ≥ 5,000 releases/s) on PostgreSQL, at a stated scale.

Uses DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_ocds (created when missing,
then migrated), and reuses it across runs: the corpus is made once and grown
only when `--releases` asks for more than it holds.

The corpus is real releases made by the real publisher from real audit
events. When the database holds fewer than `--releases` releases, it adds
contracting processes the way `script/bench fulfilment` makes them: a buyer
organisation and seller firms through the accounts services, orders seeded
in bulk (the rows `order_opened` writes) each with its placement event
`orders.order_placed` (the shape the ordering service records, written with
`audit.record_many`, the chain intact), then the fulfilment benchmark's
simulated drive — sellers, consignees and Paying Authorities calling the
orders' services day by day while the orders' clock cancels, deems and
accrues — so every order is audited from placement to PAID or CANCELLED (about
8 events an order). Then `releases_publish` (what `kraya ocds publish` runs)
turns the new audit events into releases and records; its rate is reported
as `publish_releases_per_s` (null when nothing was left to publish).

Measured (`measure()`, also called by `script/bench dashboards`): `kraya ocds
export --output FILE` (the management command, in this process: a
server-side cursor, gzip JSON lines) of every stored release, `--repeat`
times, interleaved with the same rows read as raw SQL (a named cursor, the
same fetch size) so the cost of writing JSON lines through gzip shows as a
ratio; the median of each. Reported: releases/s, JSON and gzip MB/s, bytes
per release, the export's own peak memory (the process's peak reset before
it, Linux), and a random `--sample` of the exported lines validated as a
release package against the OCDS 1.1.5 schema (the tests' validators,
`tests/opendata/flow.py`, ../shared/ocds-1.1.5): `sample_valid`, and exit
status 1 when it is false.

Knobs: --releases N (200,000), --repeat N (3), --sample N (100),
--chunk-size N (2000, the command's default), --actors N (2 drive processes),
--offices N (20), --sellers N (200), --seed S (1). Last line: one JSON object
with `releases` and `ocds_releases_per_s`."""

from __future__ import annotations

import argparse
import gzip
import io
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_ocds"
DEFAULT_RELEASES = 200_000
# Releases per driven order, to size a round of seeding (measured: about 8.1,
# see the module docstring); a little low, so one round usually suffices.
RELEASES_PER_ORDER = 7.5
MB = 1024 * 1024


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench ocds_export", description=__doc__)
    parser.add_argument("--releases", type=int, default=DEFAULT_RELEASES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--sellers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-days", type=int, default=90, help=argparse.SUPPRESS)
    options = parser.parse_args()
    for name in ("releases", "repeat", "sample", "chunk_size", "actors", "offices", "sellers"):
        if getattr(options, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return options


def ensure_database() -> str:
    """The benchmark's PostgreSQL database, created when missing."""
    return harness.ensure_database(DEFAULT_DATABASE)


# --- the corpus -------------------------------------------------------------------


def record_placements(first: int, last: int, placed_at: Any) -> int:
    """The `orders.order_placed` event of each bulk-seeded order (ids
    `first..last`), with the payload the ordering service records (no demand
    or bid row stands behind these orders: null), by its Buyer, at its
    placement time."""
    from django.db import transaction

    from kraya.accounts.models import User
    from kraya.core import audit, clock
    from kraya.orders.models import Order

    by_buyer: dict[int, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    rows = (
        Order.objects.filter(pk__range=(first, last))
        .order_by("pk")
        .values_list(
            "pk",
            "number",
            "seller_firm_id",
            "total_paise",
            "mode",
            "receipts_digest",
            "policy_version",
            "buyer_id",
        )
    )
    for pk, number, firm, total, mode, digest, version, buyer in rows:
        source = "bid" if mode == Order.Mode.BID else "demand"
        by_buyer[buyer].append(
            (
                pk,
                {
                    "number": number,
                    source: None,
                    "seller_firm": firm,
                    "total_paise": total,
                    "mode": mode,
                    "receipts_digest": digest,
                    "policy_version": version,
                },
            )
        )
    buyers = User.objects.in_bulk(sorted(by_buyer))
    written = 0
    with transaction.atomic(), clock.frozen_at(placed_at):
        for buyer in sorted(by_buyer):
            written += audit.record_many(
                actor=buyers[buyer],
                action="orders.order_placed",
                model=Order,
                entries=by_buyer[buyer],
            )
    return written


def add_processes(options: argparse.Namespace, orders: int) -> dict[str, Any]:
    """One round: `orders` orders seeded with their placement events, then
    driven to PAID or CANCELLED through the services (bench/fulfilment.py)."""
    import fulfilment
    from kraya.core import clock

    began = time.perf_counter()
    world = fulfilment.make_world(options.offices, options.sellers)
    start = fulfilment.placement_day(clock.today_ist())
    first, last = fulfilment.seed_orders(world, orders, options.seed, start)
    placements = record_placements(first, last, start)
    seeded_s = time.perf_counter() - began
    print(
        f"==> seeded {orders:,} orders in bulk ({first}..{last}) with {placements:,} placement "
        f"events in {seeded_s:.1f} s; driving them from {start.date()} "
        f"({options.actors} actor processes and the orders' clock)",
        flush=True,
    )
    drive_options = argparse.Namespace(
        actors=options.actors, seed=options.seed, max_days=options.max_days
    )
    run = fulfilment.drive(drive_options, first, last, start)
    fulfilment.outbox_drain()
    events = fulfilment.transitions_audited(first, last, 0)
    left = fulfilment.active_left(first, last)
    print(
        f"==> drove them in {run['elapsed']:.0f} s over {run['days']} days: "
        f"{sum(events.values()):,} audited transitions "
        f"({sum(events.values()) / run['elapsed']:,.0f}/s), {len(run['errors'])} refused steps, "
        f"{left:,} orders still open",
        flush=True,
    )
    if run["errors"]:
        print("\n".join(run["errors"][:10]), file=sys.stderr)
    return {
        "orders": orders,
        "placement_events": placements,
        "transitions": sum(events.values()),
        "seed_s": round(seeded_s, 1),
        "drive_s": round(run["elapsed"], 1),
        "refused_steps": len(run["errors"]),
        "left_open": left,
    }


def publish() -> tuple[int, float]:
    from kraya.opendata.services import releases_publish

    started = time.perf_counter()
    result = releases_publish()
    return result.releases, time.perf_counter() - started


def build_corpus(options: argparse.Namespace) -> dict[str, Any]:
    """Publish what the audit log holds, and add contracting processes until
    at least `--releases` releases are stored."""
    from kraya.opendata.models import Release

    published, publish_s = publish()
    rounds: list[dict[str, Any]] = []
    stored = Release.objects.count()
    while stored < options.releases:
        if len(rounds) >= 5:
            raise SystemExit(f"only {stored:,} releases after {len(rounds)} rounds of seeding")
        missing = options.releases - stored
        orders = max(10, math.ceil(missing / RELEASES_PER_ORDER))
        rounds.append(add_processes(options, orders))
        made, seconds = publish()
        published += made
        publish_s += seconds
        rounds[-1]["releases_published"] = made
        rounds[-1]["publish_s"] = round(seconds, 1)
        print(
            f"==> published {made:,} releases in {seconds:.1f} s ({made / seconds:,.0f}/s)",
            flush=True,
        )
        stored = Release.objects.count()
    return {
        "seeded_this_run": rounds,
        "publish_releases": published,
        "publish_s": round(publish_s, 1),
        "publish_releases_per_s": round(published / publish_s, 1) if published else None,
    }


# --- the measurement --------------------------------------------------------------


def _reset_peak_rss() -> bool:
    """Reset this process's peak resident memory (Linux `clear_refs` 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_mb(field: str) -> float | None:
    """`VmHWM` (peak) or `VmRSS` (now) of this process, in MiB (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def raw_read(chunk_size: int) -> tuple[int, int, float]:
    """The export's rows read as plain SQL: (rows, characters, seconds)."""
    from django.db import connection, transaction

    from kraya.opendata.models import Release

    table = connection.ops.quote_name(Release._meta.db_table)
    rows = characters = 0
    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with raw.cursor(name="bench_ocds_raw_read") as cursor:
            cursor.itersize = chunk_size
            cursor.execute(f"SELECT data FROM {table} ORDER BY source_seq")
            for (data,) in cursor:
                rows += 1
                characters += len(data)
    return rows, characters, time.perf_counter() - started


def export_once(path: Path, chunk_size: int) -> tuple[float, float | None]:
    """`kraya ocds export --output path`: (seconds, the export's peak RSS MiB)."""
    from django.core.management import call_command

    reset = _reset_peak_rss()
    started = time.perf_counter()
    call_command(
        "ocds",
        "export",
        "--output",
        str(path),
        "--chunk-size",
        str(chunk_size),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    seconds = time.perf_counter() - started
    return seconds, (_status_mb("VmHWM") if reset else None)


def read_back(path: Path, sample: set[int]) -> tuple[int, int, list[str]]:
    """The exported file decompressed: (lines, bytes of JSON, the lines
    whose 0-based numbers are in `sample`)."""
    lines = size = 0
    picked = []
    with gzip.open(path, "rb") as stream:
        for line in stream:
            if lines in sample:
                picked.append(line.decode("utf-8").rstrip("\n"))
            lines += 1
            size += len(line)
    return lines, size, picked


def validate(lines: list[str]) -> list[str]:
    """Schema errors of `lines` as one release package (OCDS 1.1.5)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.opendata.flow import errors_of, parse, validators

    from kraya.opendata.selectors import package_stream

    release_validator, _record_validator = validators()
    package = "".join(
        package_stream(kind="releases", uri="https://localhost/bench/ocds-export", items=lines)
    )
    return errors_of(release_validator, parse(package))


def measure(*, chunk_size: int = 2000, repeat: int = 1, sample: int = 100) -> dict[str, Any]:
    """Export every stored release `repeat` times (with the raw SQL read of
    the same rows before each), read the last file back, validate `sample`
    random lines; the figures (median of the runs)."""
    from kraya.opendata.models import Record, Release

    stored = Release.objects.count()
    if not stored:
        raise SystemExit("no releases stored: run `kraya ocds publish` (or this benchmark) first")
    exports: list[float] = []
    raws: list[float] = []
    peaks: list[float] = []
    characters = 0
    rss_before = _status_mb("VmRSS")
    with tempfile.TemporaryDirectory(prefix="bench-ocds-") as folder:
        path = Path(folder) / "releases.jsonl.gz"
        for _ in range(repeat):
            rows, characters, raw_seconds = raw_read(chunk_size)
            raws.append(raw_seconds)
            seconds, peak = export_once(path, chunk_size)
            exports.append(seconds)
            if peak is not None:
                peaks.append(peak)
            print(
                f"    export {stored:,} releases: {seconds:.2f} s ({stored / seconds:,.0f}/s); "
                f"raw SQL {rows:,} rows: {raw_seconds:.2f} s ({rows / raw_seconds:,.0f}/s)",
                flush=True,
            )
        gzip_bytes = path.stat().st_size
        chosen = set(random.sample(range(stored), min(sample, stored)))
        lines, json_bytes, picked = read_back(path, chosen)
    errors = validate(picked)
    for error in errors[:10]:
        print(f"    invalid: {error}", file=sys.stderr)
    export_s = statistics.median(exports)
    raw_s = statistics.median(raws)
    return {
        "releases": stored,
        "records": Record.objects.count(),
        "ocds_releases_per_s": round(stored / export_s, 1),
        "export_s": round(export_s, 3),
        "export_runs_per_s": [round(stored / seconds, 1) for seconds in exports],
        "json_mb_per_s": round(json_bytes / MB / export_s, 1),
        "gzip_mb_per_s": round(gzip_bytes / MB / export_s, 1),
        "json_bytes": json_bytes,
        "gzip_bytes": gzip_bytes,
        "json_bytes_per_release": round(json_bytes / stored, 1),
        "gzip_bytes_per_release": round(gzip_bytes / stored, 1),
        "compression_ratio": round(json_bytes / gzip_bytes, 2),
        "raw_sql_rows_per_s": round(stored / raw_s, 1),
        "raw_sql_s": round(raw_s, 3),
        "raw_sql_characters": characters,
        "export_vs_raw_sql": round(export_s / raw_s, 2),
        "rss_before_export_mb": rss_before,
        "export_peak_rss_mb": max(peaks) if peaks else None,
        "lines_exported": lines,
        "lines_match": lines == stored,
        "sample_size": len(picked),
        "sample_valid": not errors and len(picked) == len(chosen),
        "sample_errors": errors[:5],
    }


def main() -> None:
    options = arguments()
    ensure_database()
    os.environ.pop("REDIS_URL", None)  # the drive's embedded task threads deliver the outbox
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("KRAYA_LOG_LEVEL", "WARNING")
    load = os.getloadavg()[0]
    harness.setup_django()
    from django.core.management import call_command

    from kraya.core.audit_models import AuditEvent
    from kraya.opendata.models import Release

    call_command("migrate", interactive=False, verbosity=0)
    print(
        f"==> {Release.objects.count():,} releases stored; {options.releases:,} asked", flush=True
    )
    corpus = build_corpus(options)
    from kraya.orders.models import Order

    print(f"==> exporting ({options.repeat} runs)", flush=True)
    figures = measure(chunk_size=options.chunk_size, repeat=options.repeat, sample=options.sample)
    harness.report(
        "ocds_export",
        {
            "releases": figures.pop("releases"),
            "ocds_releases_per_s": figures.pop("ocds_releases_per_s"),
            "target_releases_per_s": 5000,
            "database": harness.database_vendor(),
            "cpus": os.cpu_count(),
            "loadavg_1m_before": round(load, 2),
            "orders": Order.objects.count(),
            "audit_events": AuditEvent.objects.count(),
            **figures,
            "publish_releases_per_s": corpus.pop("publish_releases_per_s"),
            **corpus,
            "chunk_size": options.chunk_size,
            "repeat": options.repeat,
            "peak_rss_mb": harness.peak_rss_mb(),
        },
    )
    if not (figures["sample_valid"] and figures["lines_match"]):
        raise SystemExit("the export is not valid OCDS (see above)")


if __name__ == "__main__":
    main()
