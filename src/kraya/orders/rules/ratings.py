"""ORD-9: ratings of seller firms and buyer offices, from counts of what they
did in time and what they did not. Pure: the counts come from
`kraya.orders.services.ratings`, the weights from the policy.

The arithmetic, exact (Fractions; Decimals only for what is shown):
- Each component is a share in [0, 1]: `good / counted` of a `Tally` (orders
  accepted of those answered, quantities accepted of those certified, ...).
  The seller's incidents component is `1 - n × deduction` (never below 0)
  for the n incidents decided against the firm.
- A component with nothing counted has no data: it is left out and the other
  components' weights are scaled up to make 100% (a seller that sold no goods
  yet is not marked down on delivery quality, nor up).
- The score is `5 × Σ weight × share / Σ weight`, on a 0–5 scale shown with
  one decimal (rounded half up); each component is shown as a percentage
  with one decimal.
- Below the policy's minimum number of orders the rating says "not enough
  data" (no score), with its components still shown.

Seller components: reliability (orders accepted, of those accepted, declined
or auto-cancelled: ORD-3), delivery quality (quantities accepted in CRACs, of
those certified: ORD-5), timeliness (orders delivered on or before the date
LD counts from — a buyer's extension without LD moves it, one with LD does
not — of those delivered or overdue: ORD-4), catalogue coverage (the firm's
published offers that are in stock, of its published offers: CAT-2) and
incidents (INC-2). Buyer components, weighted 15/15/30/40 by ORD-9: bid
closure, order placement, acceptance (CRAC) and payment, each done in time
of those due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

SCALE = 5  # the score is out of 5

# Seller components (ORD-9), in the order they are shown.
RELIABILITY = "reliability"
DELIVERY_QUALITY = "delivery_quality"
TIMELINESS = "timeliness"
CATALOGUE = "catalogue"
INCIDENTS = "incidents"
SELLER_COMPONENTS = (RELIABILITY, DELIVERY_QUALITY, TIMELINESS, CATALOGUE, INCIDENTS)

# Buyer components (ORD-9).
BID_CLOSURE = "bid_closure"
ORDER_PLACEMENT = "order_placement"
CRAC = "crac"
PAYMENT = "payment"
BUYER_COMPONENTS = (BID_CLOSURE, ORDER_PLACEMENT, CRAC, PAYMENT)


@dataclass(frozen=True, slots=True)
class Tally:
    """Of `counted` events due, `good` were done in time (or well)."""

    good: int = 0
    counted: int = 0

    def __post_init__(self) -> None:
        if self.good < 0 or self.counted < 0 or self.good > self.counted:
            raise ValueError(f"a tally needs 0 <= good <= counted (got {self})")

    def __add__(self, other: Tally) -> Tally:
        return Tally(good=self.good + other.good, counted=self.counted + other.counted)

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.good, self.counted) if self.counted else None


@dataclass(frozen=True, slots=True)
class SellerInputs:
    orders: int  # orders placed with the firm in the window
    reliability: Tally = Tally()
    delivery_quality: Tally = Tally()
    timeliness: Tally = Tally()
    catalogue: Tally = Tally()
    incidents_decided: int = 0


@dataclass(frozen=True, slots=True)
class BuyerInputs:
    orders: int  # orders placed by the office in the window
    bid_closure: Tally = Tally()
    order_placement: Tally = Tally()
    crac: Tally = Tally()
    payment: Tally = Tally()


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    weight_percent: Decimal  # as the policy gives it, before rescaling
    good: int
    counted: int
    share: Fraction | None  # None: no data

    @property
    def percent(self) -> Decimal | None:
        """The share as a percentage with one decimal (half up), for display."""
        return None if self.share is None else shown(self.share * 100)


@dataclass(frozen=True, slots=True)
class Rating:
    """A score out of 5 (one decimal) or None when there is not enough data."""

    score: Decimal | None
    exact: Fraction | None  # the unrounded score (None with no component data)
    orders: int
    enough_data: bool
    components: tuple[Component, ...]
    rule: str = "ORD-9"


def shown(value: Fraction) -> Decimal:
    """One decimal, rounded half up, exactly (no float on the way)."""
    tenths = value * 10
    whole = tenths.numerator // tenths.denominator
    remainder = tenths - whole
    if remainder >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole) / 10).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def incidents_share(decided: int, deduction_percent: Decimal) -> Fraction:
    """INC-2 into ORD-9: each incident decided against a firm takes
    `deduction_percent` off a full 100%, down to 0."""
    if decided < 0:
        raise ValueError("a count of incidents cannot be negative")
    return max(Fraction(0), 1 - decided * Fraction(deduction_percent) / 100)


def weighted(
    shares: Mapping[str, Fraction | None],
    weights: Mapping[str, Decimal],
    tallies: Mapping[str, Tally],
    *,
    orders: int,
    minimum_orders: int,
) -> Rating:
    """The weighted score of `shares` (each in [0, 1] or None for no data)."""
    if set(shares) != set(weights):
        raise ValueError("every component needs a weight, and only those")
    if sum(weights.values()) != 100:
        raise ValueError("rating weights must add up to 100%")
    components = tuple(
        Component(
            name=name,
            weight_percent=weights[name],
            good=tallies[name].good if name in tallies else 0,
            counted=tallies[name].counted if name in tallies else 0,
            share=shares[name],
        )
        for name in weights
    )
    for component in components:
        if component.share is not None and not 0 <= component.share <= 1:
            raise ValueError(f"{component.name}: a share lies between 0 and 1")
    present = [c for c in components if c.share is not None and c.weight_percent > 0]
    total_weight = sum((Fraction(c.weight_percent) for c in present), Fraction(0))
    exact: Fraction | None = None
    if total_weight:
        exact = (
            SCALE
            * sum(
                (Fraction(c.weight_percent) * c.share for c in present if c.share is not None),
                Fraction(0),
            )
            / total_weight
        )
    enough = orders >= minimum_orders and exact is not None
    return Rating(
        score=shown(exact) if enough and exact is not None else None,
        exact=exact,
        orders=orders,
        enough_data=enough,
        components=components,
    )


def seller_rating(
    inputs: SellerInputs,
    *,
    weights: Mapping[str, Decimal],
    incident_deduction_percent: Decimal,
    minimum_orders: int,
) -> Rating:
    """ORD-9: a seller firm's rating. `weights` by component name
    (`SELLER_COMPONENTS`), in percent, adding up to 100."""
    tallies = {
        RELIABILITY: inputs.reliability,
        DELIVERY_QUALITY: inputs.delivery_quality,
        TIMELINESS: inputs.timeliness,
        CATALOGUE: inputs.catalogue,
        # Shown as "n decided against", not as a share of anything.
        INCIDENTS: Tally(good=0, counted=inputs.incidents_decided),
    }
    shares: dict[str, Fraction | None] = {
        name: tally.share for name, tally in tallies.items() if name != INCIDENTS
    }
    shares[INCIDENTS] = incidents_share(inputs.incidents_decided, incident_deduction_percent)
    return weighted(shares, weights, tallies, orders=inputs.orders, minimum_orders=minimum_orders)


def buyer_rating(
    inputs: BuyerInputs, *, weights: Mapping[str, Decimal], minimum_orders: int
) -> Rating:
    """ORD-9: a buyer office's rating, weighted 15% bid closure, 15% order
    placement, 30% acceptance (CRAC) and 40% payment by the policy."""
    tallies = {
        BID_CLOSURE: inputs.bid_closure,
        ORDER_PLACEMENT: inputs.order_placement,
        CRAC: inputs.crac,
        PAYMENT: inputs.payment,
    }
    shares = {name: tally.share for name, tally in tallies.items()}
    return weighted(shares, weights, tallies, orders=inputs.orders, minimum_orders=minimum_orders)
