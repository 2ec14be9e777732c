"""Open data (OPEN-1): OCDS 1.1 releases derived from the audit log, compiled
records per contracting process, a commit-safe feed and a bulk export.

Nothing imports this app (DESIGN: `opendata` reads every app, no app reads
it): releases are derived after the fact from `kraya.core.audit` events by
the publisher (`services.publish.releases_publish`), never hooked into the
services that make the changes."""
