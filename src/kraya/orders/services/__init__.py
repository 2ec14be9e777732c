"""The orders' use cases, one module per area:

- `placement`: what follows an order's placement (contract PDF, the seller's notice);
- `transitions`: the one writer of `Order.status`;
- `ledger`: the double-entry ledger (ORD-7) and its reconciliation;
- `fulfilment`: acceptance, dispatch, delivery, PRC and CRAC, rejection and
  replacement, extension and cancellation (ORD-3..ORD-6);
- `payment`: bills and payments through a treasury gateway (ORD-7, ORD-8);
- `clock`: the scheduled deadlines (`orders_tick`)."""

from kraya.orders.services.placement import (
    contract_document,
    contract_pdf_render,
)

__all__ = ["contract_document", "contract_pdf_render"]
