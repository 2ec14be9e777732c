"""Public statistics (OPEN-2) over rollup tables kept incrementally from the
orders (issue 8, item 6); the compliance dashboards (OPEN-3) read the same
rollups. This app reads every other app; nothing imports it."""
