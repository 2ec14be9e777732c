"""The open-data services: `publish` (audit log -> releases and records) and
`export` (every release as gzip JSON lines, streamed)."""

from kraya.opendata.services.export import ExportResult, releases_export
from kraya.opendata.services.publish import PublishResult, releases_publish, watermark

__all__ = ["ExportResult", "PublishResult", "releases_export", "releases_publish", "watermark"]
