"""Bulk seller registration (KYC-5): a CSV from a workshop or a partner list.

`columns` (the template and its headers in English and Hindi), `reader`
(file-level checks and streaming rows), `validate` (one row against the
pure `sellers.rules`), `services` (the batch: upload, run in chunks, report),
`selectors`, `views` and `api`. The task that runs a batch is in
`kraya.sellers.tasks`."""
