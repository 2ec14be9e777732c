"""Synthetic catalogue data at national scale (issue 4): a category tree with
specification templates, brands, seller firms across the states and social
segments, products and offers, generated deterministically from a seed and
bulk loaded (COPY on PostgreSQL) by `kraya seed`.

`vocabulary` holds the word lists and templates (English and Hindi),
`generator` turns them into plain rows without touching the database, and
`loader` writes those rows, marks them as synthetic and removes them again."""
