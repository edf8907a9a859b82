"""Blueprints by user-facing area: portal (workers), desk (mediators), admin, api (REST v1)."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every area's blueprint (one line per area)."""
