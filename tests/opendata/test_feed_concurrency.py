"""OPEN-1 feed completeness under concurrent writes (PostgreSQL): writer
threads drive orders through their life (each step commits an audit event)
while a publisher thread runs again and again and a reader follows the feed
from its cursor with no delay. When the writers stop, the reader has every
release exactly once, in commit order."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from kraya.opendata.models import Release
from kraya.opendata.services import releases_publish
from tests.opendata.flow import parse
from tests.orders.flow import bid_order, drive

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

WRITERS = 4
ORDERS_PER_WRITER = 3


def test_open1_a_reader_following_the_feed_never_misses_a_release(world, settings):
    settings.KRAYA_OCDS_FEED_DELAY_SECONDS = 0
    orders = [
        [bid_order(world, quantity=2, unit_price_paise=1_000_00) for _ in range(ORDERS_PER_WRITER)]
        for _ in range(WRITERS)
    ]
    writing = threading.Event()
    writing.set()
    failures: list[BaseException] = []
    seen: list[str] = []

    def guarded(body):
        def run():
            try:
                body()
            except BaseException as error:  # reported by the main thread
                failures.append(error)
            finally:
                connections.close_all()

        return run

    def writer(mine):
        for order in mine:
            drive(world, order, "PAID")

    def publisher():
        while writing.is_set():
            releases_publish(batch_size=5)
            time.sleep(0.01)

    def reader():
        client = Client()
        url = "/api/v1/ocds/releases?limit=3"
        cursor = None
        while True:
            done = not writing.is_set()
            page_url = f"{url}&cursor={cursor}" if cursor else url
            package = parse(b"".join(client.get(page_url).streaming_content))
            seen.extend(r["id"] for r in package["releases"])
            cursor = package["next_cursor"]
            if "links" not in package:
                if done:
                    return
                time.sleep(0.005)

    writers = [threading.Thread(target=guarded(lambda m=m: writer(m))) for m in orders]
    others = [threading.Thread(target=guarded(publisher)), threading.Thread(target=guarded(reader))]
    for thread in writers + others:
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    releases_publish()  # everything the writers committed
    writing.clear()
    for thread in others:
        thread.join(timeout=120)
    assert failures == []
    expected = list(Release.objects.order_by("source_seq").values_list("release_id", flat=True))
    # accept, dispatch, deliver, receive, certify, bill, pay: 7 events per order.
    assert len(expected) == WRITERS * ORDERS_PER_WRITER * 7
    assert seen == expected
