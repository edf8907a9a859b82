"""What every benchmark script does first: the app on the given database, ready to measure."""
from __future__ import annotations

from sqlalchemy import func, select, text

from mediation.extensions import db
from mediation.models import Organisation


def bench_config(database_url: str, data_dir: str, **extra) -> dict:
    """App settings for a benchmark: no rate limits, no PDF rendering, fixed secrets."""
    return {"SQLALCHEMY_DATABASE_URI": database_url, "DATA_DIR": data_dir, "TESTING": True,
            "SECRET_KEY": "bench", "ENCRYPTION_KEY": "bench", "DOCUMENTS_RENDER_ON_COMMIT": False,
            "MEDIATION": {"limits": {"ratelimit_enabled": False}}, **extra}


def prepare_database() -> None:
    """Create the schema and the demo organisation tree if missing; align the cases id sequence."""
    db.create_all()
    if db.session.scalar(select(func.count()).select_from(Organisation)) == 0:
        from tests.conftest import build_tree
        build_tree()
        db.session.commit()
    align_sequences()


def align_sequences() -> None:
    """On PostgreSQL, move the cases id sequence past the highest id (seed_cases.py inserts explicit
    ids; without this the next filing collides with case 1)."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), m) FROM"
                            " (SELECT MAX(id) AS m FROM cases) AS t WHERE m IS NOT NULL"))
    db.session.commit()
