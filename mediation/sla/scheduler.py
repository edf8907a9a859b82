"""The APScheduler 3 job that runs the sweeper: one interval job, never a job per case (DESIGN §5)."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from mediation.sla.clock import BEIJING

log = logging.getLogger(__name__)


def _sweep_job(app: Flask) -> None:
    from mediation.sla.sweeper import sweep
    with app.app_context():
        result = sweep()
        if result.warned or result.breached:
            log.info("sweep: warned %d, breached %d", len(result.warned), len(result.breached))


def _configure(scheduler, app: Flask):
    interval = app.config["MEDIATION"]["sla"]["sweep_interval_seconds"]
    # Timezone-aware, or APScheduler counts the jobs as missed; coalesce so a pause runs one sweep.
    scheduler.add_job(_sweep_job, "interval", seconds=interval, args=[app], id="sla-sweep",
                      coalesce=True, max_instances=1, replace_existing=True)
    for job in EXTRA_JOBS:
        job(scheduler, app)
    return scheduler


#: fn(scheduler, app) adding further jobs (notification delivery, month-end reports).
EXTRA_JOBS: list = []


def recompute_on_startup(app: Flask) -> int:
    """At start-up, recompute provisional deadlines of years whose schedule the configuration now
    publishes (issue 9: editing the config and restarting is enough). Return how many moved."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from mediation.extensions import db
    from mediation.services.calendar_admin import reload_schedules
    with app.app_context():
        try:
            changes = reload_schedules(app.config["MEDIATION"].get("calendar") or {})
        except (OperationalError, ProgrammingError):  # no schema yet: `init-db` comes first
            db.session.rollback()
            log.warning("calendar not recomputed at start-up: the database has no schema yet")
            return 0
    if changes:
        log.info("start-up: %d provisional deadlines recomputed from the loaded holiday schedules", len(changes))
    return len(changes)


def start_background(app: Flask) -> BackgroundScheduler:
    """Start the jobs inside the web process (single-machine deployment)."""
    recompute_on_startup(app)
    scheduler = _configure(BackgroundScheduler(timezone=BEIJING), app)
    scheduler.start()
    return scheduler


def run_forever(app: Flask) -> None:
    """Run the jobs in this process until interrupted (`flask scheduler`)."""
    recompute_on_startup(app)
    scheduler = _configure(BlockingScheduler(timezone=BEIJING), app)
    log.info("scheduler started")
    scheduler.start()
