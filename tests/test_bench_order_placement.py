"""bench/order_placement.py: the purchase plan it drives keeps every office's
demands clear of MODE-5 (no split refusals in the measurement) and asks for
the mode MODE-1 will pick. The run itself needs PostgreSQL, a seeded
catalogue and a server: `script/bench order_placement --offers 20000
--seconds 10` is the quick check."""

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIRECT_MAX = 50_000_00
L1_MAX = 10_00_000_00


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_order_placement", ROOT / "bench/order_placement.py"
    )
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses resolve their annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def lines(bench):
    # 40 categories, two comparable groups each, prices from ₹500 to ₹2 lakh.
    prices = [500_00, 4_000_00, 12_000_00, 60_000_00, 2_00_000_00]
    return [
        bench.Line(category_id=category, offer_id=category * 10 + group, price_paise=price)
        for category in range(1, 41)
        for group, price in enumerate((prices[category % 5], prices[(category + 1) % 5]))
    ]


def test_plan_keeps_each_category_within_its_mode(bench, lines):
    purchases = bench.plan(
        lines, purchases=500, direct_share=0.25, seed=3, limits=(DIRECT_MAX, L1_MAX)
    )
    category_of = {line.offer_id: line.category_id for line in lines}
    price_of = {line.offer_id: line.price_paise for line in lines}
    spent = defaultdict(int)
    kinds = defaultdict(set)
    for purchase in purchases:
        assert purchase.value_paise == purchase.quantity * price_of[purchase.offer_id]
        category = category_of[purchase.offer_id]
        spent[category] += purchase.value_paise
        kinds[category].add(purchase.kind)
        if purchase.kind == "DIRECT":
            assert purchase.value_paise <= DIRECT_MAX
        else:
            assert DIRECT_MAX < purchase.value_paise <= bench.L1_VALUE_PAISE[1]
    for category, total in spent.items():
        # MODE-5: one mode per category, and the 30-day sum within its limit.
        assert len(kinds[category]) == 1
        assert total <= (DIRECT_MAX if kinds[category] == {"DIRECT"} else L1_MAX)
    counts = defaultdict(int)
    for purchase in purchases:
        counts[category_of[purchase.offer_id]] += 1
    assert max(counts.values()) <= bench.MAX_DEMANDS_PER_CATEGORY
    assert {p.kind for p in purchases} == {"DIRECT", "L1"}


def test_plan_is_reproducible_and_stops_at_the_count(bench, lines):
    limits = (DIRECT_MAX, L1_MAX)
    first = bench.plan(lines, purchases=7, direct_share=0.2, seed=5, limits=limits)
    again = bench.plan(lines, purchases=7, direct_share=0.2, seed=5, limits=limits)
    assert len(first) == 7
    assert first == again


def test_plan_without_direct_share_is_all_l1(bench, lines):
    purchases = bench.plan(
        lines, purchases=1000, direct_share=0.0, seed=1, limits=(DIRECT_MAX, L1_MAX)
    )
    assert purchases
    assert {p.kind for p in purchases} == {"L1"}
