"""Shared helpers for benchmarks: Django setup, timing, percentiles, memory,
and the one-JSON-object-last-line report every benchmark ends with.

A benchmark is `bench/NAME.py`, run by `script/bench NAME` after the target
database (DATABASE_URL, or SQLite var/bench.sqlite3) has been migrated."""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def setup_django() -> None:
    """Configure Django with the project settings (embedded mode unless the
    caller's environment says otherwise)."""
    os.environ.setdefault("KRAYA_EMBEDDED", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kraya.settings")
    import django

    django.setup()


def env_int(name: str, default: int) -> int:
    """An integer knob from the environment (e.g. BENCH_REQUESTS=5000)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value <= 0:
        raise SystemExit(f"{name} must be a positive integer, not {raw!r}")
    return value


def percentile(values: Iterable[float], fraction: float) -> float:
    """The `fraction` quantile (0..1) by linear interpolation between closest
    ranks (numpy's default), so p50 of [1, 2] is 1.5."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be within 0..1")
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(durations_s: Iterable[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max in milliseconds, rounded to microseconds."""
    values = list(durations_s)
    millis = [d * 1000.0 for d in values]
    return {
        "p50_ms": round(percentile(millis, 0.50), 3),
        "p95_ms": round(percentile(millis, 0.95), 3),
        "p99_ms": round(percentile(millis, 0.99), 3),
        "mean_ms": round(sum(millis) / len(millis), 3),
        "max_ms": round(max(millis), 3),
    }


def time_each(operation: Callable[[], Any], *, count: int) -> tuple[list[float], float]:
    """Call `operation` `count` times; return each call's duration and the
    wall time of the whole run (both in seconds)."""
    durations: list[float] = []
    clock = time.perf_counter
    started = clock()
    for _ in range(count):
        before = clock()
        operation()
        durations.append(clock() - before)
    return durations, clock() - started


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(peak / divisor, 1)


def data_scale(model_labels: Iterable[str]) -> dict[str, int]:
    """Row counts of the named models (`app_label.Model`) that exist, so a
    figure is always read next to the size of the data it was measured on."""
    from django.apps import apps

    counts: dict[str, int] = {}
    for label in model_labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counts[label] = model._default_manager.count()
    return counts


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


def report(name: str, figures: Mapping[str, Any]) -> None:
    """Print the figures for people, then (last line) one JSON object."""
    print(f"benchmark {name}")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    print(json.dumps({"benchmark": name, **figures}, sort_keys=False, default=str))


def ensure_database(default_url: str) -> str:
    """Point DATABASE_URL at PostgreSQL (its own value when it names
    PostgreSQL, else `default_url`), creating that database when it is
    missing; the benchmark migrates it. Returns the URL."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = default_url
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    return url
