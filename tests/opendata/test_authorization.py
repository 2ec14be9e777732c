"""OPEN-1 authorisation: open data is public. Every operation under
`/api/v1/ocds` and the open-data page answer anonymous readers, another
organisation's buyer, a seller (a role with no buying rights) and the
process's own buyer alike, with the same data (nothing per user)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from kraya.core import clock
from kraya.opendata.models import Release
from tests.buying.market import make_market
from tests.opendata.flow import direct_order, publish_now

pytestmark = pytest.mark.django_db

OPERATIONS = ("/api/v1/ocds/releases", "/api/v1/ocds/records", "/open-data/")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_open1_open_data_answers_every_reader_the_same(world):
    direct_order(world, make_market(world))
    publish_now()
    release_id = Release.objects.values_list("release_id", flat=True).first()
    readers = {
        "anonymous": None,
        "other organisation": world.other_buyer,
        "wrong role": world.seller_admin,
        "right role": world.buyer,
    }
    paths = (*OPERATIONS, f"/api/v1/ocds/releases/{release_id}")
    seen: dict[str, set[str]] = {path: set() for path in paths}
    with clock.frozen_at(clock.now() + dt.timedelta(seconds=10)):
        for user in readers.values():
            client = Client()
            if user is not None:
                client.force_login(user)
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (user, path)
                body = _body(response)
                if path.startswith("/api/"):  # the data, not the request's moment or cursor
                    package = json.loads(body)
                    seen[path].add(json.dumps(package.get("releases", package.get("records"))))
    for path in paths:
        if path.startswith("/api/"):
            assert len(seen[path]) == 1, path
