"""The order pages, one module per area; each lists its own `urlpatterns`
(names in the `orders` namespace), gathered in `kraya.orders.urls`:

- `contract`: the contract PDF of record (ORD-1) and what the contract page
  shows of terms and decision receipts;
- `detail`: the order page (timeline, deadlines, money, the forms of what
  the reader may do next), the orders list with what awaits the reader, and
  the invoice downloads;
- `actions`: one small page per action (accept, decline, dispatch, deliver,
  PRC, CRAC, extend, cancel, pay), whose forms also sit on the order page;
- `forms`: their forms."""
