"""bench/fulfilment.py: its order plans cover every path of ORD-3..ORD-8 in
the documented shares, and (PostgreSQL) a run of 200 orders on the test
database drives every order to PAID or CANCELLED through the services and
the clock, with no ledger mismatch (ORD-7). The full run:
`script/bench fulfilment` (100,000 orders)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_fulfilment", ROOT / "bench/fulfilment.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses resolve annotations through it
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)
    sys.path.remove(str(ROOT / "bench"))


def test_plans_are_stable_and_cover_every_path_in_their_shares(bench) -> None:
    plans = [bench.plan_for(index, 1) for index in range(20_000)]
    assert plans[:50] == [bench.plan_for(index, 1) for index in range(50)]
    assert plans[:50] != [bench.plan_for(index, 2) for index in range(50)]
    share = Counter("SILENT" if p.silent else p.crac for p in plans)
    expected = {
        "SILENT": 0.03,  # ORD-3
        "AUTO": 0.03,  # ORD-5, automatic CRAC
        "DEEMED": 0.10,  # ORD-5
        "REPLACED": 0.05,  # ORD-6
        "SHORT": 0.05,
        "ISSUED": 0.74,
    }
    for kind, fraction in expected.items():
        assert abs(share[kind] / len(plans) - fraction) < 0.01, kind
    answered = [p for p in plans if not p.silent]
    assert abs(sum(p.late_payment for p in answered) / len(answered) - 0.10) < 0.01  # ORD-7
    regular = [p for p in answered if p.crac != "AUTO"]
    assert abs(sum(p.late_delivery for p in regular) / len(regular) - 0.08) < 0.01  # ORD-4
    assert abs(sum(p.bid for p in regular) / len(regular) - 0.10) < 0.01  # ORD-8
    # A silent seller's order is never a bid contract: ORD-3 cancels only
    # direct and L1 orders.
    assert not any(p.bid for p in plans if p.silent)


def test_placement_day_is_a_monday_morning_in_india(bench) -> None:
    import datetime as dt

    from kraya.core import clock

    for offset in range(7):
        today = dt.date(2026, 3, 2) + dt.timedelta(days=offset)
        placed = clock.to_ist(bench.placement_day(today))
        assert placed.weekday() == 0 and placed.hour == 10
        assert today < placed.date() <= today + dt.timedelta(days=7)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL only"
)
def test_ord7_a_run_of_200_orders_ends_paid_or_cancelled_with_the_ledger_reconciled() -> None:
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
            str(ROOT / "bench/fulfilment.py"),
            *("--orders", "200", "--actors", "2", "--offices", "2", "--sellers", "5"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["benchmark"] == "fulfilment"
    assert figures["orders"] == 200
    assert figures["ledger_checked_orders"] == 200
    assert figures["ledger_mismatches"] == 0
    assert figures["refused_steps"] == 0
    states = figures["final_states"]
    assert set(states) <= {"PAID", "CANCELLED"} and sum(states.values()) == 200
    # The clock did its part: silent sellers cancelled (ORD-3), CRACs deemed
    # and automatic (ORD-5), interest accrued on late bills (ORD-7).
    events = figures["transitions_by_event"]
    assert events["auto_cancel"] == states["CANCELLED"]
    assert events["pay"] == states["PAID"]
    assert events["bill"] == states["PAID"]
    assert events["deem"] > 0 and events["auto_certify"] > 0
    assert figures["clock_counts"]["interest_accrued"] > 0
    assert figures["transitions"] == sum(events.values())
    assert figures["transitions_per_s"] > 0
    assert figures["notifications_delivered"] > 0
