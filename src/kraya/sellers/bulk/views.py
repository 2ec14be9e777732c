"""KYC-5: the operators' bulk registration pages — upload, the batch with its
progress bar (it refreshes itself while the batch runs, no JavaScript needed)
and the per-row report, with the template and the report as CSV downloads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kraya.accounts.middleware import request_actor
from kraya.accounts.selectors import Actor
from kraya.core import errors
from kraya.core.errors import DomainError, add_to_form
from kraya.sellers.bulk import selectors, services
from kraya.sellers.bulk.columns import template_csv
from kraya.sellers.bulk.forms import ImportUploadForm, TemplateLanguageForm
from kraya.sellers.models import ImportRow
from kraya.sellers.selectors import require_operator

View = Callable[..., HttpResponseBase]
REPORT_PAGE_SIZE = 50
REFRESH_SECONDS = 2


def operator_page(methods: list[str]) -> Callable[[View], View]:
    """Signed-in operators only: others sign in first; non-operators get 403,
    a batch that does not exist 404."""

    def decorate(view: View) -> View:
        allowed = require_http_methods(methods)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                # Who first, then how: a non-operator is 403 whatever the method.
                require_operator(actor=_actor(request))
                return allowed(request, *args, **kwargs)
            except errors.NotFound as error:
                raise Http404(str(error.message)) from error
            except errors.PermissionDenied as error:
                raise PermissionDenied(str(error.message)) from error

        return login_required(wrapped)

    return decorate


def _actor(request: HttpRequest) -> Actor:
    actor = request_actor(request)
    assert actor is not None  # login_required signed the user in
    return actor


@operator_page(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    batches = selectors.import_batches_recent(actor=actor)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_batch_create(
                acting_user=actor,
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
            )
        except DomainError as error:
            if isinstance(error, errors.PermissionDenied):
                raise
            add_to_form(form, error)
        else:
            return redirect("sellers:bulk_batch", batch_id=batch.pk)
    return render(
        request,
        "sellers/bulk_upload.html",
        {
            "form": form,
            "batches": batches,
            "max_mb": services.max_bytes() // (1024 * 1024),
            "max_rows": services.max_rows(),
        },
    )


@operator_page(["GET", "HEAD"])
def template(request: HttpRequest) -> HttpResponse:
    choice = TemplateLanguageForm(request.GET)
    lang = (
        choice.cleaned_data["lang"] if choice.is_valid() and choice.cleaned_data["lang"] else "en"
    )
    response = HttpResponse(template_csv(lang), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kraya-sellers-{lang}.csv"'
    return response


@operator_page(["GET", "HEAD", "POST"])
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = selectors.import_batch_get(actor=_actor(request), batch_id=batch_id)
    if request.method == "POST":
        # "Resume": queue an unfinished batch again (it goes on from its last chunk).
        try:
            services.import_batch_resume(acting_user=_actor(request), batch=found)
        except errors.Conflict as error:
            messages.info(request, str(error.message))
        return redirect("sellers:bulk_batch", batch_id=found.pk)
    outcome = request.GET.get("outcome", "")
    if outcome not in ImportRow.Outcome.values:
        outcome = ""
    running = selectors.is_running(found)
    page_obj = Paginator(
        selectors.import_rows(batch=found, outcome=outcome or None), REPORT_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        {"row": row, "reasons": selectors.row_reasons(row)} for row in ([] if running else page_obj)
    ]
    return render(
        request,
        "sellers/bulk_batch.html",
        {
            "batch": found,
            "running": running,
            "refresh_seconds": REFRESH_SECONDS,
            "percent": selectors.progress_percent(found),
            "error": selectors.batch_error(found),
            "outcome": outcome,
            "outcomes": ImportRow.Outcome.choices,
            "rows": rows,
            "page_obj": page_obj,
        },
    )


@operator_page(["GET", "HEAD"])
def report(request: HttpRequest, batch_id: int) -> StreamingHttpResponse:
    found = selectors.import_batch_get(actor=_actor(request), batch_id=batch_id)
    response = StreamingHttpResponse(
        selectors.report_csv(batch=found), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kraya-import-{found.pk}-report.csv"'
    return response
