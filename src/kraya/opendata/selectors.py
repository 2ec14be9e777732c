"""Reading what the publisher stored: the feed's safe head, pages of
releases and records (cursor-paginated by source event), and packages.

The feed serves only releases at or below the newest publisher watermark
that is at least `KRAYA_OCDS_FEED_DELAY_SECONDS` old; why this never skips a
release is told in `kraya.opendata.services.publish`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from kraya.api.pagination import CursorPage, paginate_queryset
from kraya.api.pagination import _encode_cursor as encode_cursor
from kraya.api.pagination import _normalise_ordering as normalise_ordering
from kraya.core import clock
from kraya.opendata import ocds
from kraya.opendata.models import Record, Release, Watermark

DEFAULT_DELAY_SECONDS = 2
PUBLISHER = {"name": "Kraya Government e-Marketplace"}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def feed_delay() -> dt.timedelta:
    seconds = getattr(settings, "KRAYA_OCDS_FEED_DELAY_SECONDS", DEFAULT_DELAY_SECONDS)
    return dt.timedelta(seconds=float(seconds))


def feed_head(*, at: dt.datetime | None = None) -> int:
    """The highest source seq the feed serves: the newest watermark written
    at least the feed delay before `at` (now)."""
    cutoff = (at or clock.now()) - feed_delay()
    found = (
        Watermark.objects.filter(at__lte=cutoff).order_by("-seq").values_list("seq", flat=True)
    ).first()
    return int(found or 0)


RELEASE_ORDERING = ("source_seq",)
RECORD_ORDERING = ("last_seq",)


@dataclass(frozen=True)
class FeedPage:
    """A page of a feed. `resume_cursor` continues after this page (or from
    the request's cursor when the page is empty), even at the end, so a
    reader polls with it and gets the next releases when they come;
    `more` says whether a full next page may be waiting now."""

    items: list[Any]
    resume_cursor: str | None
    more: bool


def _feed_page(page: CursorPage[Any], cursor: str | None, ordering: tuple[str, ...]) -> FeedPage:
    fields = normalise_ordering(ordering)
    resume = encode_cursor(page.items[-1], fields) if page.items else cursor
    return FeedPage(items=page.items, resume_cursor=resume, more=page.next_cursor is not None)


def releases_page(*, cursor: str | None, limit: int | None, ocid: str | None = None) -> FeedPage:
    """A page of releases in feed order (source seq), after `cursor`."""
    rows: QuerySet[Release] = Release.objects.filter(source_seq__lte=feed_head())
    if ocid:
        rows = rows.filter(ocid=ocid)
    page = paginate_queryset(
        rows.only("source_seq", "data"), cursor=cursor, limit=limit, ordering=RELEASE_ORDERING
    )
    return _feed_page(page, cursor, RELEASE_ORDERING)


def records_page(
    *, cursor: str | None, limit: int | None, ocid: str | None = None, head: int | None = None
) -> FeedPage:
    """A page of records ordered by their newest release's source seq: a
    record that changes moves forward, past any reader's cursor, so a
    reader following the feed sees every change of every record."""
    up_to = feed_head() if head is None else head
    rows: QuerySet[Record] = Record.objects.filter(last_seq__lte=up_to)
    if ocid:
        rows = rows.filter(ocid=ocid)
    page = paginate_queryset(
        rows.only("ocid", "last_seq", "compiled"),
        cursor=cursor,
        limit=limit,
        ordering=RECORD_ORDERING,
    )
    return _feed_page(page, cursor, RECORD_ORDERING)


def release_get(*, release_id: str) -> Release | None:
    return Release.objects.filter(release_id=release_id, source_seq__lte=feed_head()).first()


def release_links(
    *, ocids: Iterable[str], up_to_seq: int
) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Each process's releases as (release id, date, tags), in date order
    (OCDS: a record lists its releases oldest first), in one query."""
    found: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
    rows = (
        Release.objects.filter(ocid__in=list(ocids), source_seq__lte=up_to_seq)
        .order_by("date", "source_seq")
        .values_list("ocid", "release_id", "date", "tags")
    )
    for ocid, release_id, date, tags in rows:
        found[ocid].append((release_id, ocds.timestamp(date), list(tags)))
    return found


def record_texts(records: list[Record], *, release_url: Any, up_to_seq: int) -> Iterator[str]:
    """Each record as OCDS JSON: its linked releases (url, date, tag) and
    the stored compiled release, spliced in without re-encoding."""
    links = release_links(ocids=[r.ocid for r in records], up_to_seq=up_to_seq)
    for record in records:
        releases = [
            {"url": release_url(release_id), "date": date, "tag": tags}
            for release_id, date, tags in links.get(record.ocid, [])
        ]
        head = ocds.dumps({"ocid": record.ocid, "releases": releases})
        yield head[:-1] + ',"compiledRelease":' + record.compiled + "}"


def package_stream(
    *, kind: str, uri: str, items: Iterable[str], extra: dict[str, Any] | None = None
) -> Iterator[str]:
    """A release or record package around already-serialised items."""
    return ocds.package_text(
        kind=kind,
        uri=uri,
        published_date=ocds.timestamp(clock.now()),
        publisher=PUBLISHER,
        items=items,
        extra={"license": LICENSE, **(extra or {})},
    )


@dataclass(frozen=True)
class Summary:
    releases: int
    records: int
    head: int
    updated_at: dt.datetime | None
    ocid_prefix: str


def summary() -> Summary:
    """What the open-data page shows: how much the feed serves, and when it last moved."""
    head = feed_head()
    newest = Watermark.objects.filter(seq=head).values_list("at", flat=True).first()
    return Summary(
        releases=Release.objects.filter(source_seq__lte=head).count(),
        records=Record.objects.filter(last_seq__lte=head).count(),
        head=head,
        updated_at=newest,
        ocid_prefix=str(settings.KRAYA_OCID_PREFIX),
    )


__all__ = [
    "FeedPage",
    "Summary",
    "feed_delay",
    "feed_head",
    "package_stream",
    "record_texts",
    "records_page",
    "release_get",
    "release_links",
    "releases_page",
    "summary",
]
