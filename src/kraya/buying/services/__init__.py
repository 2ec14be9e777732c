"""The buying services (DESIGN: one per use case; each owns its transaction,
checks the actor's role in the office, applies the rules and writes the audit
event)."""

from kraya.buying.services.availability import availability_report_create
from kraya.buying.services.demands import (
    LineInput,
    SplitRefused,
    TermInput,
    demand_cancel,
    demand_compare,
    demand_create,
)
from kraya.buying.services.ordering import order_place
from kraya.buying.services.sanctions import funds_block, office_blocked_paise, selected_total

__all__ = [
    "LineInput",
    "SplitRefused",
    "TermInput",
    "availability_report_create",
    "demand_cancel",
    "demand_compare",
    "demand_create",
    "funds_block",
    "office_blocked_paise",
    "order_place",
    "selected_total",
]
