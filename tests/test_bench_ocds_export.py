"""bench/ocds_export.py at a tiny scale on the test database (PostgreSQL):
it makes its corpus from real audit events (orders with their placement
event, driven to PAID or CANCELLED through the services), publishes them
with the real publisher, exports them with `kraya ocds export` and validates
a sample against the OCDS schema; its last line is the JSON of figures. The
full run: `script/bench ocds_export` (200,000 releases)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kraya.opendata.models import Record, Release
from kraya.orders.models import Order

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL only"
)
def test_open1_a_tiny_run_exports_valid_releases_of_every_seeded_order() -> None:
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kraya.settings",
        "KRAYA_EMBEDDED": "1",
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        ),
    }
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/ocds_export.py"),
            *("--releases", "120", "--repeat", "2", "--sample", "30"),
            *("--actors", "1", "--offices", "2", "--sellers", "3"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["benchmark"] == "ocds_export"
    assert figures["releases"] >= 120
    assert figures["releases"] == Release.objects.count() == figures["lines_exported"]
    assert figures["ocds_releases_per_s"] > 0
    assert len(figures["export_runs_per_s"]) == 2
    assert figures["raw_sql_rows_per_s"] > 0 and figures["export_vs_raw_sql"] > 0
    assert figures["gzip_bytes"] > 0 and figures["json_bytes"] > figures["gzip_bytes"]
    assert figures["sample_size"] == 30 and figures["sample_valid"] is True
    [seeded] = figures["seeded_this_run"]
    assert seeded["refused_steps"] == 0 and seeded["left_open"] == 0
    orders = seeded["orders"]
    assert seeded["placement_events"] == orders == Order.objects.count()
    assert figures["publish_releases"] == figures["releases"]
    assert figures["publish_releases_per_s"] > 0
    # Every order is a contracting process whose first release is its
    # placement (award and contract), published from its audit event.
    assert Record.objects.count() == orders
    placed = [tags for tags in Release.objects.values_list("tags", flat=True) if "award" in tags]
    assert len(placed) == orders
    assert all("contract" in tags for tags in placed)
    assert figures["releases"] > 5 * orders  # accept, dispatch, ... pay: their own releases
