"""dashboards: the public statistics (OPEN-2) and compliance (OPEN-3) pages
through HTTP at national scale (issue 8: ≤ 300 ms p95 with 10 million orders).

Ensures a PostgreSQL database (DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_dashboards, one per
`--orders` scale) holding `--orders` orders of history (`kraya seed --orders`,
which seeds a synthetic catalogue first), reused across runs; then brings the
rollups up to date (`insights_refresh`: a full rebuild the first time, timed,
incremental afterwards) and serves the site with gunicorn (sync workers).

Every page of the `insights` URL namespace that takes no arguments is
requested (the statistics pages; the compliance pages when they exist), each
for the latest FY and for an older one, plus the districts of the largest
state, by `--clients` concurrent clients for `--requests` requests per page
after one warm-up request each. No page cache is used: each request runs the
page's rollup queries. Reported: p50/p95/p99 per page and overall, the seed
and rebuild rates, and `ocds_releases_per_s` from `bench/ocds_export.py`
when it exists (else null).

Knobs: --orders N (default 10,000,000), --requests N (60 per page),
--clients N (2), --workers N (gunicorn workers, 2), --seed S. Quick check:
`script/bench dashboards --orders 100000 --requests 20`. Last line: one JSON object."""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ORDERS = 10_000_000
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_dashboards"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench dashboards", description=__doc__)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def ensure_database(orders: int) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_DATABASE + ("" if orders == DEFAULT_ORDERS else f"_{orders}")
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    return url


def prepare(orders: int, seed: int) -> dict[str, Any]:
    from django.core.management import call_command

    from kraya.insights import synthetic
    from kraya.insights.models import RefreshState
    from kraya.insights.services import insights_refresh

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    report = synthetic.seed_orders(orders=orders, seed=seed, say=print)
    if not report.already_seeded:
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        figures["seed_orders_per_s"] = report.rows_per_s
    state = RefreshState.objects.first()
    full = report.already_seeded is False or state is None or state.watermark is None
    started = time.perf_counter()
    refreshed = insights_refresh(full=full)
    figures["refresh_full" if full else "refresh_incremental"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "orders_read": refreshed.orders_read,
    }
    return figures


def pages() -> list[str]:
    """Every argument-free URL of the insights namespace, for two FYs, and the
    districts of the largest state."""
    from django.urls import NoReverseMatch, get_resolver, reverse

    from kraya.insights import selectors

    resolver = get_resolver()
    _prefix, namespaced = resolver.namespace_dict["insights"]
    names = sorted({name for name in namespaced.reverse_dict if isinstance(name, str)})
    years = selectors.financial_years()
    paths: list[str] = []
    for name in names:
        try:
            path = reverse(f"insights:{name}")
        except NoReverseMatch:
            continue
        paths += [path] + [f"{path}?fy={year}" for year in years[1:2]]
    states = selectors.state_totals(years[0]) if years else []
    if states:
        paths.append(
            reverse("insights:places") + "?" + urllib.parse.urlencode({"state": states[0].key})
        )
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(workers: int) -> tuple[int, subprocess.Popen[bytes]]:
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "kraya.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    env = dict(os.environ, KRAYA_EMBEDDED="1", KRAYA_LOG_LEVEL="WARNING")
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return port, process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


def fetch(port: int, path: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": "localhost", "Accept-Language": "hi"})
    response = connection.getresponse()
    size = len(response.read())
    connection.close()
    return response.status, time.perf_counter() - started, size


def measure(port: int, paths: list[str], requests: int, clients: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {path: [] for path in paths}
    failures: list[str] = []
    for path in paths:  # one warm-up each (imports, template compilation per worker)
        fetch(port, path)
    work = [path for _ in range(requests) for path in paths]
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                if not work:
                    return
                path = work.pop()
            status, seconds, _size = fetch(port, path)
            with lock:
                timings[path].append(seconds)
                if status != 200:
                    failures.append(f"{path}: {status}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"pages failed: {failures[:5]}")
    return timings


def ocds_releases_per_s() -> float | None:
    """The OCDS export benchmark's figure, when that benchmark exists."""
    location = Path(__file__).resolve().parent / "ocds_export.py"
    if not location.exists():
        return None
    spec = importlib.util.spec_from_file_location("ocds_export", location)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("releases_per_second", "export_rate", "measure"):
        function = getattr(module, name, None)
        if callable(function):
            value = function()
            if isinstance(value, dict):
                value = value.get("ocds_releases_per_s")
            return None if value is None else float(value)
    return None


def main() -> None:
    options = arguments()
    ensure_database(options.orders)
    harness.setup_django()
    figures: dict[str, Any] = {"orders": options.orders, "database": harness.database_vendor()}
    figures.update(prepare(options.orders, options.seed))
    paths = pages()
    port, process = serve(options.workers)
    try:
        timings = measure(port, paths, options.requests, options.clients)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    every = [seconds for values in timings.values() for seconds in values]
    overall = harness.latency_summary(every)
    figures["pages"] = {path: harness.latency_summary(values) for path, values in timings.items()}
    figures["requests"] = len(every)
    figures["p50_ms"] = overall["p50_ms"]
    figures["p95_ms"] = overall["p95_ms"]
    figures["p99_ms"] = overall["p99_ms"]
    figures["worst_page_p95_ms"] = max(v["p95_ms"] for v in figures["pages"].values())
    figures["ocds_releases_per_s"] = ocds_releases_per_s()
    figures["scale"] = harness.data_scale(
        [
            "orders.Order",
            "insights.OrderFact",
            "insights.BuyerRollup",
            "insights.PlaceRollup",
            "insights.CategoryRollup",
            "insights.MonthRollup",
            "accounts.BuyerUnit",
            "accounts.SellerFirm",
        ]
    )
    harness.report("dashboards", figures)


if __name__ == "__main__":
    main()
