"""Gap-free sequences per scope and year (case numbers, document numbers), safe under concurrency.

The increment is one UPDATE ... RETURNING, so the row lock (PostgreSQL) or the write lock (SQLite)
serialises concurrent callers, and a rolled-back transaction gives its number back.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mediation.extensions import db
from mediation.models import NumberSequence


def next_value(scope: str, year: int) -> int:
    """Return the next number of `scope` in `year`, starting at 1."""
    for _ in range(3):
        value = db.session.execute(
            update(NumberSequence).where(NumberSequence.scope == scope, NumberSequence.year == year)
            .values(last=NumberSequence.last + 1).returning(NumberSequence.last)).scalar()
        if value is not None:
            return value
        try:
            with db.session.begin_nested():
                db.session.add(NumberSequence(scope=scope, year=year, last=1))
            return 1
        except IntegrityError:  # another transaction created the row first: increment it instead
            continue
    raise RuntimeError(f"could not allocate a number in {scope}/{year}")


def current_value(scope: str, year: int) -> int:
    return db.session.scalar(select(NumberSequence.last).where(NumberSequence.scope == scope,
                                                               NumberSequence.year == year)) or 0
