"""What every app's web pages share: the wrappers that turn the selectors' and
services' NotFound/PermissionDenied into the 404/403 pages, the form-binding
helper, and showing a service's refusal on a form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_http_methods

from kraya.core import errors
from kraya.core.errors import DomainError, add_to_form

View = Callable[..., HttpResponseBase]


def domain_errors_as_pages(view: View) -> View:
    """A NotFound or PermissionDenied raised inside `view` becomes Django's
    404 or 403 page, with the domain message."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as error:
            raise Http404(str(error.message)) from error
        except errors.PermissionDenied as error:
            raise PermissionDenied(str(error.message)) from error

    return wrapped


def form_page(view: View) -> View:
    """Anyone, GET and POST (a public form such as an event's registration link)."""
    return require_http_methods(["GET", "HEAD", "POST"])(domain_errors_as_pages(view))


def public_page(view: View) -> View:
    """Anyone, GET only; a hidden or missing object is a 404."""
    return require_http_methods(["GET", "HEAD"])(domain_errors_as_pages(view))


def member_page(view: View) -> View:
    """Signed-in users only (others go to sign in); GET and POST."""
    return login_required(form_page(view))


def bound(request: HttpRequest) -> Any:
    """The data to bind a form to: the POST on a submission, else None."""
    return request.POST if request.method == "POST" else None


def refused(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form; 404/403 refusals stay pages. A
    form whose fields are named differently from the service's maps the
    names with its `field_for`."""
    if isinstance(error, errors.NotFound | errors.PermissionDenied):
        raise error
    field_for = getattr(form, "field_for", None)
    if field_for is not None:
        error = type(error)(
            error.message,
            code=error.code,
            status=error.status,
            fields={field_for(name): list(messages) for name, messages in error.fields.items()},
        )
    add_to_form(form, error)
