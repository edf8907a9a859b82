"""The Alembic history builds exactly the schema the models declare (a new column needs a migration)."""
from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from mediation import create_app
from mediation.extensions import db


def test_migrations_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": tmp_path})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    inspector = inspect(create_engine(url))
    migrated = {name: {c["name"] for c in inspector.get_columns(name)}
                for name in inspector.get_table_names() if name != "alembic_version"}
    declared = {table.name: {c.name for c in table.columns} for table in db.metadata.sorted_tables}
    assert migrated == declared
