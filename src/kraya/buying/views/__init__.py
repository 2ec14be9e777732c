"""The buying pages: demands (MODE-1..5), fund blocks and ordering (ORD-1,
ORD-2), and availability reports (MODE-6)."""

from kraya.buying.views.availability import availability
from kraya.buying.views.demands import (
    demand_cancel,
    demand_compare,
    demand_detail,
    demand_list,
    demand_new,
    funds_block,
    order_place,
)

__all__ = [
    "availability",
    "demand_cancel",
    "demand_compare",
    "demand_detail",
    "demand_list",
    "demand_new",
    "funds_block",
    "order_place",
]
