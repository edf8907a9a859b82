"""Seed N cases with realistic distributions (DOMAIN.md §7) by bulk inserts, for the benchmarks.

    python bench/seed_cases.py --n 100000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Creates the schema and the demo organisation tree when the database is empty. Cases are spread over
the last year: ~3% still open, success 65-80% by tier, wages ~30% of causes, ~6% collective, amounts
right-skewed around a few tens of thousands of yuan. Open cases carry their deadline rows (mostly not
yet due), so a sweep has realistic work to skip.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from mediation import create_app  # noqa: E402
from mediation.extensions import db  # noqa: E402
from mediation.models import Case, CaseCategory, Claim, Deadline, Organisation, Round  # noqa: E402

CATEGORY_WEIGHTS = {"wages": 30, "social_insurance": 20, "termination": 15, "overtime": 12, "work_injury": 8,
                    "severance": 10, "other": 5}
SUCCESS_BY_TIER = {1: 0.78, 2: 0.68, 3: 0.66}


def ensure_tree() -> dict[int, list[Organisation]]:
    if db.session.scalar(select(func.count()).select_from(Organisation)) == 0:
        from tests.conftest import build_tree
        build_tree()
    by_tier: dict[int, list[Organisation]] = {1: [], 2: [], 3: []}
    for org in db.session.scalars(select(Organisation)).all():
        if org.tier:
            by_tier[org.tier].append(org)
    return by_tier


def seed(n: int, batch: int = 5000, rng_seed: int = 7) -> None:
    rng = random.Random(rng_seed)
    by_tier = ensure_tree()
    start_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
    now = datetime(2026, 11, 25, 10, 0)
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    for offset in range(0, n, batch):
        cases, rounds, claims, cats, deadlines = [], [], [], [], []
        for case_id in range(start_id + offset, start_id + min(offset + batch, n)):
            filed = now - timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 10))
            org = rng.choice(by_tier[1] if rng.random() < 0.55 else by_tier[2])
            tier, seq, moment, state = org.tier, 0, filed, None
            still_open = rng.random() < 0.03
            while state is None:
                seq += 1
                ended = moment + timedelta(days=rng.uniform(2, 14))
                if still_open:
                    state = "mediating"
                    rounds.append(dict(case_id=case_id, seq=seq, org_id=org.id, tier=tier, channel="online",
                                       received_at=moment, accepted_at=moment + timedelta(days=1)))
                    due = moment + timedelta(days=15)
                    deadlines.append(dict(case_id=case_id, kind="mediation", start_date=moment.date(), days=15,
                                          unit="calendar", due_date=due.date(),
                                          due_at=datetime.combine(due.date() + timedelta(days=1), datetime.min.time()),
                                          warn_at=due - timedelta(days=3), status="open", provisional=False,
                                          provisional_years=""))
                    break
                agreed = rng.random() < SUCCESS_BY_TIER[tier]
                rounds.append(dict(case_id=case_id, seq=seq, org_id=org.id, tier=tier, channel="online",
                                   received_at=moment, accepted_at=moment + timedelta(days=1), ended_at=ended,
                                   outcome="agreed" if agreed else rng.choice(["failed", "failed", "expired"])))
                if agreed:
                    state = "performed"
                elif tier == 3:
                    state = "arbitration_closed"
                else:
                    tier += 1
                    org = org.parent
                    moment = ended
            amount = Decimal(str(round(rng.lognormvariate(10.3, 0.9), 2)))
            cases.append(dict(id=case_id, number=f"BENCH-{case_id:08d}", query_code_hash="x" * 64, channel="online",
                              state=state, version=1, org_id=org.id, tier=tier, filed_at=filed,
                              dispute_date=(filed - timedelta(days=30)).date(), facts="bench",
                              escalation_consent=True, language="zh", is_collective=rng.random() < 0.06,
                              respondent_name="某公司", respondent_address="", respondent_contact="",
                              respondent_legal_rep="", extended_days=0,
                              next_due=deadlines[-1]["due_at"] if still_open else None,
                              closed_at=None if still_open else moment))
            claims.append(dict(case_id=case_id, item="请求", amount=amount))
            cats.append(dict(case_id=case_id, category=rng.choices(categories, weights)[0]))
        db.session.execute(insert(Case), cases)
        for table, rows in ((Round, rounds), (Claim, claims), (CaseCategory, cats), (Deadline, deadlines)):
            if rows:
                db.session.execute(insert(table), rows)
        db.session.commit()
        print(f"  {offset + len(cases):>9,} cases", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "TESTING": True})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seed(args.n)
        if db.engine.dialect.name == "postgresql":
            # The cases were inserted with explicit ids: move the sequence past them, or the next
            # filing collides. And planner statistics now: autovacuum may be off or late.
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        elapsed = time.perf_counter() - started
        print(f"seeded {args.n:,} cases in {elapsed:.1f} s ({args.n / elapsed:,.0f} cases/s)")


if __name__ == "__main__":
    main()
