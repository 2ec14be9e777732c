"""The pure rules of fulfilment and payment (DOMAIN §9, ORD-3..ORD-8): the
order's state machine, its deadlines, and its money (liquidated damages,
late-payment interest, the transaction charge). No Django: plain values and
`Policy` in, decisions with the clause that made them out."""
