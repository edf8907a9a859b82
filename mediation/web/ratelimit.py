"""Per-address limits on the public and login endpoints (Flask-Limiter, in-memory by default).

Use as a decorator: @limiter.limit(track_limit). Limits come from config.toml [limits]; the
MEDIATION_RATELIMIT_ENABLED=false environment switch turns them off for load tests.
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[])


def init_app(app: Flask) -> None:
    app.config["RATELIMIT_ENABLED"] = bool(app.config["MEDIATION"]["limits"].get("ratelimit_enabled", True))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def _per_minute(key: str) -> str:
    return f"{current_app.config['MEDIATION']['limits'][key]} per minute"


def track_limit() -> str:
    return _per_minute("track_per_minute")


def file_limit() -> str:
    return _per_minute("file_per_minute")


def login_limit() -> str:
    return _per_minute("login_per_minute")
