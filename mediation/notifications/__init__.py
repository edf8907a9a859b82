"""Notifications: an outbox written with each case event, delivered after commit (issue: notifications).

init_app registers the in-transaction event hook and the scheduler's delivery and digest jobs.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the ON_EVENT hook and the scheduler jobs (idempotent: create_app may run often)."""
    from mediation.notifications import outbox
    from mediation.services.events import ON_EVENT
    from mediation.sla.scheduler import EXTRA_JOBS
    if outbox.on_event not in ON_EVENT:
        ON_EVENT.append(outbox.on_event)
    if add_jobs not in EXTRA_JOBS:
        EXTRA_JOBS.append(add_jobs)


def _deliver_job(app: Flask) -> None:
    from mediation.notifications.delivery import deliver_pending
    with app.app_context():
        deliver_pending()


def _digest_job(app: Flask) -> None:
    from mediation.notifications.digest import queue_digest
    with app.app_context():
        queue_digest()


def add_jobs(scheduler, app: Flask) -> None:
    """EXTRA_JOBS entry: delivery every deliver_interval_seconds, the managers' digest daily."""
    conf = app.config["MEDIATION"].get("notifications", {})
    scheduler.add_job(_deliver_job, "interval", seconds=conf.get("deliver_interval_seconds", 30), args=[app],
                      id="notifications-deliver", coalesce=True, max_instances=1, replace_existing=True)
    hour, minute = (int(part) for part in conf.get("digest_at", "08:00").split(":"))
    scheduler.add_job(_digest_job, "cron", hour=hour, minute=minute, args=[app], id="notifications-digest",
                      coalesce=True, max_instances=1, replace_existing=True)
