"""The public open-data page (OPEN-1): what is published, the API endpoints
and the bulk download; no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kraya.core.audit_models import AuditCheckpoint
from kraya.opendata import selectors
from kraya.opendata.services.export import releases_gzip


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    # OPEN-5: the last sealed days of the audit log, to write down and compare.
    sealed = list(AuditCheckpoint.objects.order_by("-day")[:DAYS_SHOWN])
    return render(
        request, "opendata/open_data.html", {"summary": selectors.summary(), "sealed": sealed}
    )


DAYS_SHOWN = 14


@require_GET
def export_download(request: HttpRequest) -> StreamingHttpResponse:
    """Every release the feed serves, as gzip JSON lines, streamed."""
    response = StreamingHttpResponse(
        releases_gzip(up_to_seq=selectors.feed_head()), content_type="application/gzip"
    )
    response["Content-Disposition"] = 'attachment; filename="kraya-ocds-releases.jsonl.gz"'
    return response
