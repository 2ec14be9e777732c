"""search: catalogue search at national scale, through the real HTTP server.

Ensures a PostgreSQL database (DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_search) holding the synthetic
catalogue of `--offers` offers (default 1,500,000; `kraya seed`, reused
across runs when it is already there at that scale), starts gunicorn (WSGI
sync workers) on it and drives `GET /api/v1/search/offers` from 4 concurrent
clients over a realistic query mix: 1–3 words, English and Hindi, typos,
0–2 filters, facets on. After a warm-up it reports queries per second,
p50/p95/p99 latency and the server's peak RSS; then it times the SQL the
selector runs for the same queries directly on the database (raw_sql_p50_ms,
raw_sql_p95_ms) so the framework's share shows as a ratio, and prints the
slowest queries with their EXPLAIN ANALYZE. Last line: one JSON object.

Knobs: --offers N, --seed S, --requests N (BENCH_REQUESTS, default 4000),
--clients N (4), --workers N (gunicorn sync workers, default 2), --explain N
(slowest queries to explain, default 3)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_search"
SEARCH_PATH = "/api/v1/search/offers"
WARMUP = 200
DISTINCT_QUERIES = 600


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench search", description=__doc__)
    parser.add_argument("--offers", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=harness.env_int("BENCH_REQUESTS", 4000))
    parser.add_argument("--clients", type=int, default=4)
    # Two sync workers on the 2-core machine: a third and fourth only take
    # CPU from PostgreSQL and each other (measured: p95 61 -> 49 ms).
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--explain", type=int, default=3)
    return parser.parse_args()


# --- the database -----------------------------------------------------------------


def ensure_database() -> str:
    """The benchmark's PostgreSQL database, created when missing."""
    return harness.ensure_database(DEFAULT_DATABASE)


def migrate_and_seed(offers: int, seed: int) -> dict[str, Any]:
    from django.core.management import call_command

    from kraya.catalog.synthetic import loader

    call_command("migrate", interactive=False, verbosity=0)
    found = loader.existing()
    seeded: dict[str, Any] = {"reused": False}
    if found is not None and found.parameters.get("offers") == offers:
        seeded["reused"] = True
        seeded["seed_parameters"] = found.parameters
        from kraya.catalog.search import index
        from kraya.catalog.search.models import OfferDocument

        if not OfferDocument.objects.exists():
            print("==> building the search index", flush=True)
            started = time.perf_counter()
            index.rebuild()
            seeded["index_rebuild_s"] = round(time.perf_counter() - started, 1)
        return seeded
    if found is not None:
        print("==> removing the synthetic data of another scale", flush=True)
        loader.reset(say=print)
    print(f"==> seeding {offers:,} offers (once; later runs reuse them)", flush=True)
    report = loader.seed_catalogue(offers=offers, seed=seed, say=print)
    seeded["seed_s"] = round(report.seconds, 1)
    seeded["seed_phases_s"] = {phase.name: phase.seconds for phase in report.phases}
    return seeded


def database_size_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return round(cursor.fetchone()[0] / (1024 * 1024), 1)


# --- the query mix ----------------------------------------------------------------


def typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: a letter dropped, doubled or two swapped."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def query_mix(count: int, seed: int) -> list[dict[str, str]]:
    """Query strings as a buyer types them, drawn from the catalogue's own
    words (so most find something), with filters a buyer would add."""
    from django.db import connection

    from kraya.catalog.synthetic import generator as gen
    from kraya.catalog.synthetic import vocabulary as vocab
    from kraya.sellers import rules as seller_rules

    rng = random.Random(seed)
    leaves = gen.leaves(gen.max_leaf_categories())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM catalog_category WHERE code LIKE %s AND parent_id IS NOT NULL "
            "AND id NOT IN (SELECT parent_id FROM catalog_category WHERE parent_id IS NOT NULL)",
            [gen.CATEGORY_PREFIX + "%"],
        )
        category_codes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM catalog_brand ORDER BY id LIMIT 200")
        brand_names = [row[0] for row in cursor.fetchall()]
    loaded = set(category_codes)
    leaves = [leaf for leaf in leaves if leaf.code in loaded] or leaves
    queries: list[dict[str, str]] = []
    for _ in range(count):
        words_wanted = rng.choice((1, 1, 2, 2, 2, 3))
        hindi_query = rng.random() < 0.3
        leaf = rng.choice(leaves)
        item = (leaf.item_hi if hindi_query else leaf.item.lower()).split()
        # Further words a buyer adds: a value of the category's first golden
        # parameter (as titles show it) or a brand.
        first = vocab.PARAMS[leaf.family.golden[0]]
        extra = [
            (hindi if hindi_query else english.lower()) for _value, english, hindi in first.choices
        ] or [brand.split()[0].lower() for brand in brand_names[:50]]
        words = item[:words_wanted]
        while len(words) < words_wanted:
            words.extend(rng.choice(extra).split())
        words = words[:words_wanted]
        if not hindi_query and rng.random() < 0.15:
            index = rng.randrange(len(words))
            words[index] = typo(words[index], rng)
        params: dict[str, str] = {"text": " ".join(words), "with_facets": "true"}
        for _filter in range(rng.choice((0, 0, 1, 1, 2))):
            kind = rng.randrange(7)
            if kind == 0:
                params["category_code"] = leaf.code
            elif kind == 1:
                median_paise = int(leaf.family.median_rupees * leaf.price_factor * 100)
                params["price_max_paise"] = str(median_paise * rng.choice((1, 2)))
                if rng.random() < 0.5:
                    params["price_min_paise"] = str(median_paise // 2)
            elif kind == 2:
                params["delivery_state"] = rng.choice(seller_rules.STATES)
            elif kind == 3:
                params["segments"] = rng.choice(("MSE", "WOMAN", "SC_ST", "STARTUP", "MSE,WOMAN"))
            elif kind == 4:
                params["mii_class"] = "CLASS_1"
            elif kind == 5 and leaf.family.gi_tags:
                params["gi_only"] = "true"
            else:
                params["sort"] = rng.choice(("price_asc", "price_desc", "delivery", "rating"))
        queries.append(params)
    return queries


def to_search_query(params: dict[str, str]) -> Any:
    from kraya.catalog.search.selectors import SearchQuery

    def number(name: str) -> int | None:
        return int(params[name]) if name in params else None

    return SearchQuery(
        text=params.get("text", ""),
        category_code=params.get("category_code"),
        price_min_paise=number("price_min_paise"),
        price_max_paise=number("price_max_paise"),
        delivery_state=params.get("delivery_state"),
        segments=frozenset(filter(None, params.get("segments", "").split(","))),
        mii_class=params.get("mii_class"),
        gi_only=params.get("gi_only") == "true",
        sort=params.get("sort", "relevance"),
        with_facets=params.get("with_facets") == "true",
    )


# --- the server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(workers: int) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    env = dict(os.environ, KRAYA_EMBEDDED="1", KRAYA_LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "kraya.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def process_tree_rss_mb(pid: int) -> tuple[float, float]:
    """(largest peak RSS of one process, sum of peaks) over gunicorn's master
    and workers, from /proc (VmHWM)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids.extend(int(child) for child in children)
    except OSError:
        pass
    peaks = []
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return (round(max(peaks, default=0.0), 1), round(sum(peaks), 1))


class Client(threading.Thread):
    def __init__(self, port: int, queries: list[dict[str, str]]) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.queries = queries
        self.durations: list[float] = []
        self.results: list[int] = []
        self.failures: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        clock = time.perf_counter
        for params in self.queries:
            path = SEARCH_PATH + "?" + urllib.parse.urlencode(params)
            before = clock()
            try:
                connection.request("GET", path, headers={"Accept": "application/json"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(f"{path}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            self.durations.append(clock() - before)
            if response.status != 200:
                self.failures.append(f"{path}: HTTP {response.status} {body[:200]!r}")
                continue
            self.results.append(len(json.loads(body)["items"]))
        connection.close()


def drive(
    port: int, queries: list[dict[str, str]], clients: int
) -> tuple[list[float], float, list[int], list[str]]:
    share = [queries[i::clients] for i in range(clients)]
    threads = [Client(port, part) for part in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    durations = [d for thread in threads for d in thread.durations]
    results = [r for thread in threads for r in thread.results]
    failures = [f for thread in threads for f in thread.failures]
    return durations, elapsed, results, failures


# --- raw SQL ----------------------------------------------------------------------


def captured_sql(queries: list[dict[str, str]]) -> list[list[str]]:
    """The SQL statements the selector runs for each query, as executed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kraya.catalog.search.selectors import search_offers

    statements: list[list[str]] = []
    for params in queries:
        with CaptureQueriesContext(connection) as captured:
            search_offers(actor=None, query=to_search_query(params))
        statements.append(
            [
                q["sql"]
                for q in captured.captured_queries
                if not q["sql"]
                .lstrip()
                .upper()
                .startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK"))
            ]
        )
    return statements


def time_raw(statements: list[list[str]]) -> list[float]:
    from django.db import connection

    durations = []
    clock = time.perf_counter
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for group in statements:
            before = clock()
            for sql in group:
                raw.execute(sql)
                # A statement with a SET LOCAL around it has three results.
                while raw.description is None and raw.nextset():
                    pass
                if raw.description is not None:
                    raw.fetchall()
            durations.append(clock() - before)
    return durations


def facet_cache_seconds() -> int:
    from kraya.catalog.search import facets

    return facets.cache_seconds()


def cache_backend() -> str:
    from django.conf import settings

    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def explain(sql: str) -> str:
    """EXPLAIN ANALYZE of `sql`, after the `SET LOCAL` the selector runs it
    with (`sql.execute_text_first`) if any."""
    from django.db import connection

    from kraya.catalog.search.sql import INDEX_FIRST_PREFIX, INDEX_FIRST_SUFFIX

    with connection.cursor() as cursor:
        cursor.cursor.execute("BEGIN")
        if sql.startswith(INDEX_FIRST_PREFIX) and sql.endswith(INDEX_FIRST_SUFFIX):
            cursor.cursor.execute(INDEX_FIRST_PREFIX.rstrip("; "))
            sql = sql[len(INDEX_FIRST_PREFIX) : -len(INDEX_FIRST_SUFFIX)]
        cursor.cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.cursor.fetchall())
        cursor.cursor.execute("ROLLBACK")
        return plan


# --- main -------------------------------------------------------------------------


def main() -> None:
    options = arguments()
    ensure_database()
    harness.setup_django()
    seeded = migrate_and_seed(options.offers, options.seed)
    from kraya.catalog.models import Offer

    offers = Offer.objects.count()
    queries = query_mix(DISTINCT_QUERIES, options.seed)
    rng = random.Random(options.seed + 1)
    warmup = [rng.choice(queries) for _ in range(WARMUP)]
    measured = [rng.choice(queries) for _ in range(options.requests)]
    print(
        f"==> {offers:,} offers; {options.clients} clients, {options.workers} workers", flush=True
    )
    with server(options.workers) as (port, process):
        drive(port, warmup, options.clients)
        durations, elapsed, results, failures = drive(port, measured, options.clients)
        rss_worker_mb, rss_total_mb = process_tree_rss_mb(process.pid)
    if failures:
        print("\n".join(failures[:10]), file=sys.stderr)
        raise SystemExit(f"{len(failures)} requests failed")
    latency = harness.latency_summary(durations)
    # The same queries as raw SQL, on one connection, after a warm-up.
    statements = captured_sql(queries)
    time_raw(statements[:WARMUP])
    raw_durations = time_raw(statements)
    raw = harness.latency_summary(raw_durations)
    slowest = sorted(range(len(queries)), key=lambda i: raw_durations[i], reverse=True)
    print("==> slowest queries as raw SQL")
    for i in slowest[: options.explain]:
        print(f"-- {raw_durations[i] * 1000:.1f} ms: {queries[i]}")
        for sql in statements[i]:
            print(sql)
            print(explain(sql))
    harness.report(
        "search",
        {
            "offers": offers,
            "database": harness.database_vendor(),
            "database_mb": database_size_mb(),
            **seeded,
            "clients": options.clients,
            "workers": options.workers,
            "requests": len(durations),
            "elapsed_s": round(elapsed, 3),
            "qps": round(len(durations) / elapsed, 1),
            **latency,
            "empty_results_share": round(sum(1 for r in results if r == 0) / len(results), 3),
            "raw_sql_p50_ms": raw["p50_ms"],
            "raw_sql_p95_ms": raw["p95_ms"],
            "raw_sql_p99_ms": raw["p99_ms"],
            "overhead_ratio_p50": round(latency["p50_ms"] / raw["p50_ms"], 2)
            if raw["p50_ms"]
            else None,
            "statements_per_query": round(sum(map(len, statements)) / len(statements), 2),
            # Facet counts are reused for this long per normalised search
            # (0 = off); local memory is per gunicorn worker, Redis shared.
            "facet_cache_s": facet_cache_seconds(),
            "facet_cache_backend": cache_backend(),
            "server_peak_rss_mb": rss_worker_mb,
            "server_total_peak_rss_mb": rss_total_mb,
            "bench_peak_rss_mb": harness.peak_rss_mb(),
        },
    )


if __name__ == "__main__":
    main()
