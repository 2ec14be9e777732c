"""The bid clock (`kraya.bids.services.clock.bids_tick`), the command and the
Celery task: BID-4's one extension, the BID-5 opening, idempotent re-runs,
and the count never disclosed. The clock is moved, not slept."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from kraya.bids import rules, states
from kraya.bids.models import Bid, Submission
from kraya.bids.services.clock import bids_tick
from kraya.bids.tasks import bids_tick_task
from kraya.core.receipts import DecisionReceipt
from tests.bids.factory import make_bid, make_submission
from tests.factories import audit_actions_since, audit_head

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)


def test_bid4_tick_extends_once_with_the_notice_then_closes_at_the_new_end(world):
    bid = make_bid(world, min_bids=3)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    first_end = bid.end_at
    assert bids_tick(first_end - SECOND) == {
        "extended": 0,
        "opened": 0,
        "auctions": 0,
        "settled": 0,
    }
    seq = audit_head()
    counts = bids_tick(first_end)
    assert counts["extended"] == 1 and counts["opened"] == 0
    bid.refresh_from_db()
    assert bid.status == states.PUBLISHED and bid.extensions == 1
    assert bid.end_at == first_end + dt.timedelta(days=7)
    notice = DecisionReceipt.from_dict(bid.receipts[-1])
    assert rules.explain(notice).startswith("Extended due to less competition by 7 days")
    assert audit_actions_since(seq) == ["bids.extend"]
    # Re-running at the same moment, or a little later, changes nothing (BID-4: once).
    seq = audit_head()
    assert bids_tick(first_end)["extended"] == 0
    assert bids_tick(first_end + dt.timedelta(days=3))["extended"] == 0
    assert audit_head() == seq
    # At the new end the bid opens whatever it received.
    counts = bids_tick(bid.end_at)
    assert (counts["extended"], counts["opened"]) == (0, 1)
    bid.refresh_from_db()
    assert bid.status == states.TECHNICAL_EVALUATION and bid.technical_opened_at == bid.end_at
    assert Submission.objects.get(bid=bid).technical is not None
    assert Submission.objects.get(bid=bid).financial is None  # BID-5: prices stay sealed


def test_bid4_what_the_tick_reports_never_holds_the_number_of_bids(world):
    """BID-4: the tick's counts are bids moved, never submissions received."""
    bid = make_bid(world, min_bids=1)
    for firm, user in (
        (world.seller_firm, world.seller_admin),
        (world.other_seller_firm, world.other_seller_admin),
    ):
        make_submission(bid, firm, user, prices={1: 9_500_00})
    counts = bids_tick(bid.end_at)
    assert counts == {"extended": 0, "opened": 1, "auctions": 0, "settled": 0}
    assert 2 not in counts.values()
    out = StringIO()
    call_command("bids_tick", stdout=out)  # now: the bid is already open
    assert out.getvalue().strip() == "extended=0 opened=0 auctions=0 settled=0"


def test_bid5_tick_opens_at_the_opening_time_not_at_the_end(world):
    bid = make_bid(world, min_bids=1)
    Bid.objects.filter(pk=bid.pk).update(opening_at=bid.end_at + dt.timedelta(hours=2))
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    assert bids_tick(bid.end_at)["opened"] == 0
    assert Bid.objects.get(pk=bid.pk).status == states.PUBLISHED
    assert bids_tick(bid.end_at + dt.timedelta(hours=2))["opened"] == 1
    seq = audit_head()
    assert bids_tick(bid.end_at + dt.timedelta(hours=3))["opened"] == 0  # idempotent
    assert audit_head() == seq


def test_tick_task_and_command_run_the_same_clock(world, settings):
    bid = make_bid(world, min_bids=1)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    from kraya.core import clock

    with clock.frozen_at(bid.end_at):
        assert bids_tick_task.run()["opened"] == 1
    assert Bid.objects.get(pk=bid.pk).status == states.TECHNICAL_EVALUATION
    assert settings.CELERY_BEAT_SCHEDULE["bids-tick"]["task"] == bids_tick_task.name


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_open_a_bid_once(world):
    """Two workers running the tick at the same moment: one opening, one
    audit event (row lock with skip_locked on PostgreSQL; the state check
    under the lock everywhere)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    bid = make_bid(world, min_bids=1)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    results: list[dict[str, int]] = []
    barrier = threading.Barrier(2)
    from kraya.core import clock

    def worker() -> None:
        try:
            barrier.wait()
            results.append(bids_tick())
        finally:
            connection.close()

    seq = audit_head()
    with clock.frozen_at(bid.end_at):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(r["opened"] for r in results) == [0, 1]
    assert audit_actions_since(seq).count("bids.close") == 1
