"""OPEN-1 feed, API, export and page: public (anonymous) JSON packages,
cursor pagination, the watermark delay, the bulk export (`kraya ocds
export`, gzip JSON lines), the open-data page in English and Hindi."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from kraya.core import clock
from kraya.opendata import ocds
from kraya.opendata.models import Release
from kraya.opendata.services import releases_export, releases_publish
from kraya.opendata.tasks import opendata_publish
from tests.buying.market import make_market
from tests.opendata.flow import direct_order, errors_of, paid, parse, validators

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world):
    market = make_market(world)
    order = paid(world, direct_order(world, market))
    result = opendata_publish.run()  # the beat task's body
    assert result["releases"] == Release.objects.count() > 3
    return order


def _get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, parse(body)


def test_open1_feed_serves_nothing_newer_than_the_watermark_delay(published, client, settings):
    settings.KRAYA_OCDS_FEED_DELAY_SECONDS = 30
    response, package = _get(client, "/api/v1/ocds/releases")
    assert response.status_code == 200 and package["releases"] == []
    with clock.frozen_at(clock.now() + dt.timedelta(seconds=31)):
        _, package = _get(client, "/api/v1/ocds/releases")
    assert len(package["releases"]) == Release.objects.count()


def test_open1_anonymous_reader_pages_releases_and_records_by_cursor(published, client):
    with clock.frozen_at(clock.now() + dt.timedelta(seconds=10)):
        response, first = _get(client, "/api/v1/ocds/releases?limit=2")
        assert response["Content-Type"] == "application/json"
        assert len(first["releases"]) == 2 and first["links"]["next"]
        seen = [r["id"] for r in first["releases"]]
        url = first["links"]["next"]
        while url:
            _, page = _get(client, url)
            seen += [r["id"] for r in page["releases"]]
            url = page.get("links", {}).get("next")
        expected = list(Release.objects.order_by("source_seq").values_list("release_id", flat=True))
        assert seen == expected
        ocid = f"ocds-kraya00-order-{published.number}"
        _, records = _get(client, f"/api/v1/ocds/records?ocid={ocid}")
        [record] = records["records"]
        assert record["ocid"] == ocid and len(record["releases"]) == len(expected)
        assert errors_of(validators()[1], records) == []
        _, one = _get(client, f"/api/v1/ocds/releases/{expected[0]}")
        assert [r["id"] for r in one["releases"]] == [expected[0]]
        missing = client.get("/api/v1/ocds/releases/nope")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "ocds.release_not_found"
        bad = client.get("/api/v1/ocds/releases?cursor=forged")
        assert bad.status_code == 422
        assert bad.json()["error"]["code"] == "pagination.bad_cursor"


def test_open1_validator_rejects_a_release_that_breaks_the_schema(published):
    """The validation the other tests rely on does catch a bad release."""
    release = ocds.loads(Release.objects.order_by("source_seq").first().data)
    package = {
        "uri": "https://example.org/p",
        "version": "1.1",
        "publisher": {"name": "Kraya"},
        "publishedDate": "2026-01-01T00:00:00Z",
        "releases": [release],
    }
    assert errors_of(validators()[0], package) == []
    release["tender"]["status"] = "open-for-bids"
    release["date"] = "yesterday"
    problems = errors_of(validators()[0], package)
    assert any("open-for-bids" in p for p in problems)
    assert any("yesterday" in p for p in problems)


def test_open1_export_streams_every_release_as_gzip_json_lines(published, tmp_path):
    target = tmp_path / "releases.jsonl.gz"
    call_command("ocds", "export", "--output", str(target), "--chunk-size", "2")
    lines = gzip.decompress(target.read_bytes()).decode().splitlines()
    stored = list(Release.objects.order_by("source_seq").values_list("data", flat=True))
    assert lines == stored
    first = json.loads(lines[0], parse_float=Decimal)
    assert first["tender"]["value"] == {"amount": Decimal("12000"), "currency": "INR"}
    sink = io.BytesIO()
    result = releases_export(sink=sink, chunk_size=3)
    assert result.releases == len(stored) and result.bytes_written == len(sink.getvalue())
    assert gzip.decompress(sink.getvalue()).decode().splitlines() == stored


def test_open1_publish_command_is_idempotent(published, capsys):
    call_command("ocds", "publish")
    assert "published 0 releases" in capsys.readouterr().out
    releases_publish()
    assert Release.objects.count() == len(set(Release.objects.values_list("source_seq", flat=True)))


@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [("en", "Open data", "Release package"), ("hi", "<h1>", "/api/v1/ocds/records")],
)
def test_open1_open_data_page_is_public_in_english_and_hindi(
    published, client, language, heading, link
):
    client.cookies["django_language"] = language
    with clock.frozen_at(clock.now() + dt.timedelta(seconds=10)):
        response = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        html = response.content.decode()
        assert heading in html and link in html and "ocds-kraya00" in html
        download = client.get("/open-data/export.jsonl.gz")
    assert download.status_code == 200 and download["Content-Type"] == "application/gzip"
    lines = gzip.decompress(b"".join(download.streaming_content)).decode().splitlines()
    assert len(lines) == Release.objects.count()


def test_open1_a_reader_resumes_from_its_last_cursor_and_gets_only_new_releases(world, client):
    market = make_market(world)
    order = direct_order(world, market)
    releases_publish()
    later = clock.now() + dt.timedelta(seconds=10)
    with clock.frozen_at(later):
        _, page = _get(client, "/api/v1/ocds/releases?limit=50")
    assert [r["tag"] for r in page["releases"]] == [["tender", "award", "contract"]]
    assert "links" not in page and page["next_cursor"]
    cursor = page["next_cursor"]
    with clock.frozen_at(later):
        _, empty = _get(client, f"/api/v1/ocds/releases?cursor={cursor}")
        assert empty["releases"] == [] and empty["next_cursor"] == cursor
        paid(world, order)
        releases_publish()
    with clock.frozen_at(later + dt.timedelta(seconds=10)):
        _, fresh = _get(client, f"/api/v1/ocds/releases?cursor={cursor}")
    ids = [r["id"] for r in fresh["releases"]]
    assert ids == list(
        Release.objects.order_by("source_seq").values_list("release_id", flat=True)[1:]
    )
