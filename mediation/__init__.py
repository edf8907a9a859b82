"""The Flask app factory: configuration, extensions, blueprints, CLI and the scheduler hook."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from mediation.config import ROOT, build_config
from mediation.extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings (tests pass a database URL and TESTING)."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance"))
    app.config.update(build_config(config))
    # Each area keeps its own message catalogue (mediation/web/<area>/translations); Babel merges them.
    # The locale is "zh", not "zh_CN": Babel would look for zh_Hans_CN and silently fall back.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(
        str(p) for p in sorted((ROOT / "mediation").glob("**/translations")) if p.is_dir()) or "translations")
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers wait for the lock instead of failing at once (concurrent fires, the sweeper).
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # JIT compiles for 100-250 ms when the planner overestimates a queue or report query that
        # runs in a few ms; this workload has no long analytic queries that would gain from it.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"options": "-c jit=off"}})

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)

    from mediation import models  # noqa: F401  (register the tables)
    from mediation.sla import calendar
    calendar.configure(app.config["MEDIATION"].get("calendar") or {})

    __import__("mediation.documents", fromlist=["init_app"]).init_app(app)  # documents: numbering, PDFs, CLI
    # After the documents: the package then carries the freshly rendered 仲裁移交函.
    __import__("mediation.services.handoff", fromlist=["init_app"]).init_app(app)  # arbitration package
    __import__("mediation.notifications", fromlist=["init_app"]).init_app(app)  # notifications outbox, jobs
    from mediation.cli import register_cli
    register_cli(app)

    # Ids are 32-bit on PostgreSQL: a larger number in a URL names nothing (404, not a database error).
    app.url_map.converters["int"] = BoundedInt
    from mediation.web import register_blueprints
    register_blueprints(app)
    return app


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _select_locale():
    """?lang → the session's choice → a logged-in staff member's own language → the browser's → zh."""
    from flask import request, session
    from flask_login import current_user
    lang = request.args.get("lang") or session.get("lang")
    if lang in ("zh", "en"):
        return lang
    lang = getattr(current_user, "language", None) if getattr(current_user, "is_authenticated", False) else None
    if lang in ("zh", "en"):
        return lang
    return request.accept_languages.best_match(["zh", "en"]) or "zh"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
