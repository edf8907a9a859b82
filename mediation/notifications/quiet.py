"""Quiet hours for SMS: nothing but the filing receipt between quiet_start and quiet_end (Beijing time)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app


def _hours() -> tuple[time, time]:
    conf = current_app.config["MEDIATION"].get("notifications", {}).get("sms", {})
    return time.fromisoformat(conf.get("quiet_start", "21:00")), time.fromisoformat(conf.get("quiet_end", "08:00"))


def is_quiet(moment: datetime) -> bool:
    start, end = _hours()
    if start == end:
        return False
    now = moment.time()
    return start <= now or now < end if start > end else start <= now < end


def release_time(moment: datetime) -> datetime:
    """`moment` itself outside quiet hours, else the end of the quiet period (the next morning)."""
    if not is_quiet(moment):
        return moment
    _, end = _hours()
    release = datetime.combine(moment.date(), end)
    return release if release > moment else release + timedelta(days=1)
