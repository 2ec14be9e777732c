"""Operators watch the outbox in the Django admin, read-only: a message that
used up its attempts stays here with its last error until an operator
retries it ("Retry now") once the cause is fixed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kraya.core import outbox
from kraya.core.models import OutboxMessage


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pending", _("Pending")),
            ("failed", _("Failed: needs an operator")),
            ("done", _("Done")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "pending":
            return queryset.filter(done_at__isnull=True, attempts__lt=outbox.MAX_ATTEMPTS)
        if self.value() == "failed":
            return queryset.filter(done_at__isnull=True, attempts__gte=outbox.MAX_ATTEMPTS)
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "key", "created_at", "available_at", "attempts", "done_at")
    list_filter = (OutboxStateFilter, "kind")
    search_fields = ("key", "kind")
    ordering = ("-id",)
    readonly_fields = (
        "kind",
        "key",
        "payload",
        "created_at",
        "available_at",
        "attempts",
        "done_at",
        "locked_until",
        "last_error",
    )
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Retry now"), permissions=["view"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox.retry_now(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be retried now.",
                "%(count)d messages will be retried now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
