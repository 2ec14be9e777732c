"""The open-data API at `/api/v1/ocds`, public (OPEN-1): OCDS 1.1 release
and record packages, cursor-paginated, plus one release by id.

`GET /releases?cursor=&limit=&ocid=` is the feed: releases in the order
their changes were committed. Follow `links.next` while it is there; at the
end keep the last `next_cursor` (it is always given once anything was read)
and poll with it later — a reader never misses a release and never gets one
twice (`kraya.opendata.services.publish` says why). `GET /records` pages the
compiled records the same way, a changed record moving to the end."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.pagination import Field

from kraya.api.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT
from kraya.core.errors import NotFound
from kraya.opendata import selectors

router = Router(tags=["open data"])
CONTENT_TYPE = "application/json"
# Public data, the same for everyone: shared caches may keep a page briefly.
CACHE_CONTROL = "public, max-age=5"


class PageIn(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int | None = Field(None, ge=1, le=MAX_LIMIT, description="Items per page.")
    ocid: str | None = Field(None, max_length=100, description="Only this contracting process.")


def _next(request: HttpRequest, query: PageIn, page: selectors.FeedPage) -> dict[str, Any]:
    """`next_cursor`: where to continue, also at the end (poll with it later);
    `links.next`: present when more is ready now."""
    found: dict[str, Any] = {"next_cursor": page.resume_cursor}
    if page.more and page.resume_cursor:
        params = {"cursor": page.resume_cursor}
        if query.limit:
            params["limit"] = str(query.limit)
        if query.ocid:
            params["ocid"] = query.ocid
        found["links"] = {"next": request.build_absolute_uri(f"{request.path}?{urlencode(params)}")}
    return found


def _json(chunks: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
    response["Cache-Control"] = CACHE_CONTROL
    return response


@router.get(
    "/releases",
    auth=None,
    summary="OCDS release package: the feed of releases",
    response={200: dict[str, Any]},
)
def releases_list(request: HttpRequest, query: Query[PageIn]) -> StreamingHttpResponse:
    """An OCDS 1.1 release package of up to `limit` releases (default 50)
    after `cursor`, in commit order. No `links.next`: the end for now; poll
    again later with `next_cursor`."""
    page = selectors.releases_page(cursor=query.cursor, limit=query.limit, ocid=query.ocid)
    return _json(
        selectors.package_stream(
            kind="releases",
            uri=request.build_absolute_uri(),
            items=(release.data for release in page.items),
            extra=_next(request, query, page),
        )
    )


@router.get(
    "/releases/{release_id}",
    auth=None,
    summary="OCDS release package of one release",
    url_name="ocds-release",
    response={200: dict[str, Any]},
)
def release_detail(request: HttpRequest, release_id: str) -> StreamingHttpResponse:
    release = selectors.release_get(release_id=release_id)
    if release is None:
        raise NotFound(_("No such release."), code="ocds.release_not_found")
    return _json(
        selectors.package_stream(
            kind="releases", uri=request.build_absolute_uri(), items=[release.data]
        )
    )


@router.get(
    "/records",
    auth=None,
    summary="OCDS record package: compiled records per contracting process",
    response={200: dict[str, Any]},
)
def records_list(request: HttpRequest, query: Query[PageIn]) -> StreamingHttpResponse:
    """An OCDS 1.1 record package of up to `limit` records after `cursor`,
    each with its linked releases and compiled release."""
    head = selectors.feed_head()
    page = selectors.records_page(
        cursor=query.cursor, limit=query.limit, ocid=query.ocid, head=head
    )
    prefix = request.build_absolute_uri(reverse("api:ocds-release", args=["-"]))[:-1]

    def release_url(release_id: str) -> str:
        return prefix + release_id

    return _json(
        selectors.package_stream(
            kind="records",
            uri=request.build_absolute_uri(),
            items=selectors.record_texts(page.items, release_url=release_url, up_to_seq=head),
            extra=_next(request, query, page),
        )
    )
