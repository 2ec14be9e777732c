"""The orders app's models: the contract (`contract`), what happens to its
goods (`fulfilment`) and its money (`ledger`)."""

from kraya.orders.models.contract import ContractCounter, ContractPdf, Order, OrderItem
from kraya.orders.models.fulfilment import DeliveryExtension, Shipment, ShipmentLine
from kraya.orders.models.ledger import Bill, LedgerLine, LedgerTransaction, Payment
from kraya.orders.models.rating import Rating

__all__ = [
    "Bill",
    "ContractCounter",
    "ContractPdf",
    "DeliveryExtension",
    "LedgerLine",
    "LedgerTransaction",
    "Order",
    "OrderItem",
    "Payment",
    "Rating",
    "Shipment",
    "ShipmentLine",
]
