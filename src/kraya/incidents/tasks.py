"""Background work of incidents: the incident clock (`services.clock.incidents_tick`).
Celery beat sends `kraya.incidents.tick` every 5 minutes (`CELERY_BEAT_SCHEDULE`);
by hand or from cron: `kraya incidents_tick`. The tick is idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kraya.incidents.tick")
def incidents_tick_task() -> dict[str, int]:
    """INC-1 escalations and show-cause lapses, INC-2 bar ends, once."""
    from kraya.incidents.services.clock import incidents_tick

    return incidents_tick()
