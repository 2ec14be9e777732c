"""ORD-7: how a payment leaves the treasury. `PaymentGateway` is the interface
a real integration (PFMS for central ministries, a state's IFMS) implements;
`SimulatedTreasuryGateway` is the built-in stand-in for demos, tests and
benchmarks, and is named as such wherever a payment shows its gateway.

The gateway is chosen by the setting `KRAYA_PAYMENT_GATEWAY` (a dotted path;
the simulated one by default). A gateway must be idempotent on the
instruction's key: asked twice with the same key it answers with the same
reference and moves the money once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class PaymentInstruction:
    """What the Paying Authority orders paid: to whom, how much, for what."""

    key: str
    order_number: str
    payee: str
    principal_paise: int
    interest_paise: int

    @property
    def total_paise(self) -> int:
        return self.principal_paise + self.interest_paise


@dataclass(frozen=True, slots=True)
class GatewayReceipt:
    gateway: str
    reference: str


class PaymentGateway(Protocol):
    name: str

    def pay(self, instruction: PaymentInstruction) -> GatewayReceipt: ...


class SimulatedTreasuryGateway:
    """A simulated treasury: it settles every instruction at once and answers
    with a reference derived from the instruction's key (so a repeat gets the
    same reference). No money moves anywhere."""

    name = "Simulated treasury gateway"

    def pay(self, instruction: PaymentInstruction) -> GatewayReceipt:
        if instruction.total_paise <= 0:
            raise ValueError("a payment moves a positive amount")
        digest = hashlib.sha256(instruction.key.encode()).hexdigest()[:16].upper()
        return GatewayReceipt(gateway=self.name, reference=f"SIM-{digest}")


DEFAULT = "kraya.orders.gateway.SimulatedTreasuryGateway"


@cache
def _gateway(path: str) -> PaymentGateway:
    gateway: PaymentGateway = import_string(path)()
    return gateway


def payment_gateway() -> PaymentGateway:
    return _gateway(getattr(settings, "KRAYA_PAYMENT_GATEWAY", DEFAULT) or DEFAULT)
